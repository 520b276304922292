"""Small screens over the board: key help and the department picker."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from board.i18n import t
from board.view.board import Board
from board.view.words import clean


class HelpScreen(ModalScreen[None]):
    """Every key of the board, in the UI language, as the keymap now has them."""

    BINDINGS = [
        Binding("escape,question_mark", "app.pop_screen", "key.back", id="help.close"),
        # q ends the board on every screen, this one too (help says so); a modal screen does
        # not pass the app's own keys on, so it is bound here.
        Binding("q", "app.quit", "key.quit", id="help.quit"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 72; max-width: 95%; height: auto; max-height: 90%;
                                  border: thick $accent; background: $surface; padding: 0 2; }
    HelpScreen Static { width: 100%; height: auto; }
    """

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 3))
        table.add_column(style="bold")
        table.add_column()
        for keys, description in self.rows:
            table.add_row(Text(keys), Text(description))
        heading = Text(t("help.title"), style="bold underline")
        heading.append("   " + t("help.close"), style="dim not underline")
        with VerticalScroll():
            yield Static(heading)
            yield Static(table)


class DepartmentPicker(ModalScreen[int | None]):
    """Pick one department (or all): returns its id, 0 for all, None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "key.back", id="picker.cancel"),
        Binding("q", "app.quit", "key.quit", id="picker.quit"),
    ]
    DEFAULT_CSS = """
    DepartmentPicker { align: center middle; }
    DepartmentPicker > Vertical { width: 40; max-width: 95%; height: auto; max-height: 90%;
                                  border: thick $accent; background: $surface; }
    DepartmentPicker OptionList { height: auto; max-height: 30; }
    """

    def __init__(self, board: Board, current: int | None) -> None:
        super().__init__()
        self.board = board
        self.current = current

    def compose(self) -> ComposeResult:
        options = [Option(Text(t("pick.all")), id="all")]
        options += [
            Option(Text(clean(d.name)), id=str(d.id)) for d in self.board.snapshot.departments
        ]
        with Vertical():
            yield Static(Text(t("pick.department"), style="bold"))
            yield OptionList(*options, id="picker")

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self.current is not None:
            picker.highlighted = picker.get_option_index(str(self.current))
        else:
            picker.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        self.dismiss(0 if option_id in (None, "all") else int(option_id))

    def action_cancel(self) -> None:
        self.dismiss(None)
