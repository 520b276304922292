"""The overview: header, KPI strip, and the four panels (projects, departments, blockers,
ranking). Wide terminals show all four; narrow ones show one at a time with a tab line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from board.i18n import t
from board.ui.textual_private import QuietInput
from board.ui.widgets.bars import KeyBar, PresenterBar
from board.ui.widgets.blockers import BlockerList
from board.ui.widgets.cards import CardList
from board.ui.widgets.departments import DepartmentCards
from board.ui.widgets.header import BoardHeader, KpiStrip
from board.ui.widgets.projects import ProjectsTable
from board.ui.widgets.ranking import RankingTable

if TYPE_CHECKING:
    from board.ui.app import BoardApp

PANELS = ("projects", "departments", "blockers", "ranking")
PANEL_TITLES = {
    "projects": "panel.projects",
    "departments": "panel.departments",
    "blockers": "panel.blockers",
    "ranking": "panel.ranking",
}
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
        Binding("1", "panel(0)", "key.panel1", id="board.panel1"),
        Binding("2", "panel(1)", "key.panel2", id="board.panel2"),
        Binding("3", "panel(2)", "key.panel3", id="board.panel3"),
        Binding("4", "panel(3)", "key.panel4", id="board.panel4"),
        Binding("escape", "clear", "key.back", id="board.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.active = 0
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
        with Container(id="body"):
            with Container(id="panel-projects", classes="panel"):
                yield ProjectsTable(id="projects")
            with Container(id="panel-departments", classes="panel"):
                yield DepartmentCards(id="departments")
            with Container(id="panel-blockers", classes="panel"):
                yield BlockerList(id="blockers")
            with Container(id="panel-ranking", classes="panel"):
                yield RankingTable(id="ranking")
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

    def panel_widget(self, index: int) -> ProjectsTable | DataTable[Text] | CardList:
        return cast(
            "ProjectsTable | DataTable[Text] | CardList", self.query_one(f"#{PANELS[index]}")
        )

    def focus_panel(self, index: int) -> None:
        self.active = index % len(PANELS)
        for i, name in enumerate(PANELS):
            self.query_one(f"#panel-{name}").set_class(i == self.active, "-active")
        self.panel_widget(self.active).focus()
        self.render_tabs()

    def render_tabs(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, name in enumerate(PANELS):
            label = f" {i + 1} {t(PANEL_TITLES[name])} "
            text.append(label, style="reverse bold" if i == self.active else "")
            text.append(" ")
        self.query_one("#tabs", Static).update(text)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget_id = event.widget.id
        if widget_id in PANELS:
            index = PANELS.index(widget_id)
            if index != self.active:
                self.active = index
                for i, name in enumerate(PANELS):
                    self.query_one(f"#panel-{name}").set_class(i == index, "-active")
                self.render_tabs()

    def action_next_panel(self) -> None:
        self.focus_panel(self.active + 1)

    def action_previous_panel(self) -> None:
        self.focus_panel(self.active - 1)

    def action_panel(self, index: int) -> None:
        self.focus_panel(index)

    def action_clear(self) -> None:
        self.board_app.clear_filters()

    def set_titles(self, titles: dict[str, Text]) -> None:
        for name, title in titles.items():
            panel = self.query_one(f"#panel-{name}")
            if self._titles.get(name) != title.plain:  # unchanged titles cost no repaint
                self._titles[name] = title.plain
                panel.border_title = title

    def show_banner(self, message: str | None) -> None:
        if message == self._banner:
            return
        self._banner = message
        banner = self.query_one("#banner", Static)
        banner.set_class(message is not None, "-on")
        banner.update(Text(message or "", style="bold"))

    # Opening details ----------------------------------------------------------------------

    @on(ProjectsTable.Selected)
    def open_project_row(self, event: ProjectsTable.Selected) -> None:
        self.board_app.open_project(event.project_id)

    @on(DataTable.RowSelected, "#ranking")
    def open_ranked_department(self, event: DataTable.RowSelected) -> None:
        dept_id = self.query_one(RankingTable).department_id_at_cursor()
        if dept_id is not None:
            self.board_app.open_department(dept_id)

    @on(CardList.Selected, "#departments")
    def open_department_card(self, event: CardList.Selected) -> None:
        dept_id = self.query_one(DepartmentCards).department_id_at_cursor()
        if dept_id is not None:
            self.board_app.open_department(dept_id)

    @on(CardList.Selected, "#blockers")
    def open_blocker_project(self, event: CardList.Selected) -> None:
        blocker_id = self.query_one(BlockerList).blocker_id_at_cursor()
        board = self.board_app.board
        if blocker_id is None or board is None:
            return
        for blocker in board.snapshot.blockers:
            if blocker.id == blocker_id and blocker.project_id in board.projects:
                self.board_app.open_project(blocker.project_id)

    # The filter line ----------------------------------------------------------------------

    def open_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-on")
        box.value = self.board_app.state.text
        box.focus()

    def close_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.remove_class("-on")
        self.panel_widget(self.active).focus()

    @property
    def filter_open(self) -> bool:
        return self.query_one("#filter", Input).has_class("-on")

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        self.close_filter()
