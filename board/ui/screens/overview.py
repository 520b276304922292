"""The overview: header, KPI strip, and the panels of board.ui.panels (projects, departments,
blockers, ranking). Wide terminals show them all; narrow ones one at a time with a tab line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from board.i18n import t
from board.ui.panels import PANELS, Made, Row
from board.ui.textual_private import QuietInput
from board.ui.widgets.bars import KeyBar, PresenterBar
from board.ui.widgets.cards import CardList
from board.ui.widgets.header import BoardHeader, KpiStrip
from board.ui.widgets.projects import ProjectsTable

if TYPE_CHECKING:
    from board.ui.app import BoardApp

NARROW_WIDTH = 120
NARROW_HEIGHT = 34
MIN_WIDTH = 60
MIN_HEIGHT = 16


class FilterInput(QuietInput):
    """The `/` filter line: docked, full width, three rows, so its value changes need no layout
    of the screen (`QuietInput`).

    The panels are filtered from the value's watcher, in the same turn as the keystroke, not
    from the `Changed` message a turn later: by then Textual had painted the line alone, and
    the panels waited for the next frame (up to 17 ms more per keystroke)."""

    def __init__(self, on_text: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_text = on_text

    def watch_value(self, value: str) -> None:
        self.on_text(value)


class OverviewScreen(Screen[None]):
    """The main board."""

    BINDINGS = [
        Binding("tab", "next_panel", "key.next_panel", id="board.next_panel"),
        Binding("shift+tab", "previous_panel", "key.prev_panel", id="board.prev_panel"),
        *(
            Binding(str(n), f"panel({n - 1})", spec.key_help, id=f"board.panel{n}")
            for n, spec in enumerate(PANELS, start=1)
        ),
        Binding("escape", "clear", "key.back", id="board.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.active = 0
        self.panels: list[Made] = []  # in PANELS order, once composed
        self._titles: dict[str, str] = {}
        self._banner: str | None = None

    @property
    def board_app(self) -> BoardApp:
        return cast("BoardApp", self.app)

    def compose(self) -> ComposeResult:
        yield BoardHeader(id="header")
        yield KpiStrip(id="kpi")
        yield Static(id="banner")
        yield Static(id="tabs")
        self.panels = [spec.make() for spec in PANELS]
        with Container(id="body"):
            for made in self.panels:
                with Container(id=f"panel-{made.spec.name}", classes="panel"):
                    yield made.widget
        yield Static(Text(t("banner.small"), style="bold"), id="too-small")
        yield FilterInput(
            self.board_app.set_filter_text, placeholder=t("filter.prompt"), id="filter"
        )
        yield PresenterBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self.apply_size()
        self.focus_panel(0)

    def on_resize(self, _event: events.Resize) -> None:
        self.apply_size()
        self.board_app.render_all()

    def apply_size(self) -> None:
        width, height = self.size.width, self.size.height
        self.set_class(width < NARROW_WIDTH or height < NARROW_HEIGHT, "-narrow")
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")

    def mark_active(self, index: int) -> None:
        self.active = index
        for i, made in enumerate(self.panels):
            self.query_one(f"#panel-{made.spec.name}").set_class(i == index, "-active")

    def focus_panel(self, index: int) -> None:
        self.mark_active(index % len(self.panels))
        self.panels[self.active].widget.focus()
        self.render_tabs()

    def render_tabs(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, spec in enumerate(PANELS):
            label = f" {i + 1} {t(spec.title)} "
            text.append(label, style="reverse bold" if i == self.active else "")
            text.append(" ")
        self.query_one("#tabs", Static).update(text)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for index, made in enumerate(self.panels):
            if made.widget is event.widget and index != self.active:
                self.mark_active(index)
                self.render_tabs()

    def edit_target(self, focused: Widget | None) -> Row | None:
        """The row under the cursor of the focused panel (None when the filter line has it)."""
        for made in self.panels:
            if made.widget is focused:
                return made.panel.edit_target()
        return None

    def action_next_panel(self) -> None:
        self.focus_panel(self.active + 1)

    def action_previous_panel(self) -> None:
        self.focus_panel(self.active - 1)

    def action_panel(self, index: int) -> None:
        self.focus_panel(index)

    def action_side(self, step: int) -> None:
        """← / →: the panel beside this one, on its left or right, nearest first; one panel at
        a time (a narrow screen), the previous or next one as Tab does."""
        if self.has_class("-narrow"):
            self.focus_panel(self.active + step)
            return
        boxes = [self.query_one(f"#panel-{made.spec.name}").region for made in self.panels]
        here = boxes[self.active]
        beside = [
            (abs(box.x - here.x), abs(box.y - here.y), i)
            for i, box in enumerate(boxes)
            if (box.x >= here.right if step > 0 else box.right <= here.x)
            and box.y < here.bottom
            and here.y < box.bottom
        ]
        if beside:
            self.focus_panel(min(beside)[2])

    def action_clear(self) -> None:
        self.board_app.clear_filters()

    def set_title(self, name: str, title: Text) -> None:
        if self._titles.get(name) != title.plain:  # unchanged titles cost no repaint
            self._titles[name] = title.plain
            self.query_one(f"#panel-{name}").border_title = title

    def show_banner(self, message: str | None) -> None:
        if message == self._banner:
            return
        self._banner = message
        banner = self.query_one("#banner", Static)
        banner.set_class(message is not None, "-on")
        banner.update(Text(message or "", style="bold"))

    # Opening details ----------------------------------------------------------------------

    # Enter (or a click) on a row arrives as the selection message of the widget a panel is
    # built on; the panel names the page it opens.
    @on(ProjectsTable.Selected)
    @on(CardList.Selected)
    @on(DataTable.RowSelected)
    def open_row(
        self, event: ProjectsTable.Selected | CardList.Selected | DataTable.RowSelected
    ) -> None:
        board = self.board_app.board
        for made in self.panels:
            if made.widget is event.control and board is not None:
                target = made.panel.open_target(board)
                if target is not None:
                    self.board_app.open_page(*target)

    # The filter line ----------------------------------------------------------------------

    def open_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-on")
        box.value = self.board_app.state.text
        box.focus()

    def close_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.remove_class("-on")
        self.panels[self.active].widget.focus()

    @property
    def filter_open(self) -> bool:
        return self.query_one("#filter", Input).has_class("-on")

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        self.close_filter()
