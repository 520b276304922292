"""The frame every page shares (a project, a department, 本周节点, the report since the last
meeting…): a title line, scrolling content, the page's own key bar. Enter opens the project
and department pages (project.py, department.py), Esc goes back.

They hold only an id and re-render from every new `Board` the app hands them, so an open
page stays live; when its row is deleted they say so and offer the way back.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from board.ui.textual_private import arrange_hidden_screen
from board.ui.widgets.bars import PAGE_HINTS, KeyBar, PresenterBar
from board.view.board import Board
from board.view.words import clean


def section(title: str) -> Text:
    return Text("\n" + title, style="bold underline")


def plain(value: str | None) -> Text:
    return Text(clean(value) or "—")


class DetailScreen(Screen[None]):
    """Common frame: a title line, scrolling content, the key bar."""

    KEY_HINTS = PAGE_HINTS  # the overview's filter and sort keys do nothing here

    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="detail.back"),
        Binding("j,down", "scroll_down", "key.down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "key.up", show=False, id="detail.up"),
    ]
    DEFAULT_CSS = """
    DetailScreen #detail-title { height: auto; background: $panel; padding: 0 1; text-style: bold; }
    DetailScreen #detail-body { padding: 0 1; }
    """

    def __init__(self, board: Board, family: str) -> None:
        super().__init__()
        self.board = board
        self.family = family

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        with VerticalScroll(id="detail-scroll"):
            yield Static(id="detail-body")
        yield PresenterBar()
        yield KeyBar()

    def on_mount(self) -> None:
        # A page started while idle (a kept page) can be mounted before its scroll's body.
        if self.composed:
            self.render_board()
        else:
            self.call_after_refresh(self.refresh_board, self.board, self.family)

    def arrange_unseen(self, size: Size) -> None:
        """Lay the page out for `size` while it is not shown (a kept page built in advance):
        its first push then only paints, like every later one (25 ms sooner at 300 projects).
        Textual's own step on a resize; it draws nothing unless the screen is the current one."""
        if not self.is_current:
            arrange_hidden_screen(self, size)

    def action_scroll_down(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_up(animate=False)

    def refresh_board(self, board: Board, family: str) -> None:
        """A new snapshot arrived: re-render in place (scroll position is kept)."""
        self.board = board
        self.family = family
        if self.composed:
            self.render_board()

    @property
    def composed(self) -> bool:
        """Mounted with every part: a kept page built while idle gets boards before its body
        (inside the scroll) is mounted, and one being torn down has lost them."""
        return (
            self.is_mounted
            and bool(self.query("#detail-title"))
            and bool(self.query("#detail-body"))
        )

    def render_board(self) -> None:
        title, body = self.build()
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-body", Static).update(body)

    def build(self) -> tuple[Text, RenderableType]:
        raise NotImplementedError

    def show(self, board: Board, family: str, ident: int) -> None:
        """Show another row in this (kept) screen: from the top, with the current board."""
        self.board = board
        self.family = family
        self.ident = ident
        if self.composed:
            self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)
            self.render_board()

    @property
    def ident(self) -> int:
        raise NotImplementedError

    @ident.setter
    def ident(self, value: int) -> None:
        raise NotImplementedError

    def edit_target(self, focused: Widget | None) -> tuple[str, int] | None:
        """What the edit keys act on here, by kind and id, with `focused` focused."""
        return None
