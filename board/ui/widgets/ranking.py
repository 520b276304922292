"""The ranking panel (红榜 / 黑榜): departments by score, done ÷ due."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from board.i18n import t
from board.ui.text import cell, light_text
from board.ui.widgets.scrolling import SIDE_BINDINGS
from board.view.board import Board
from board.view.selections import ViewState, ranking


class RankingTable(DataTable[Text]):
    """One row per department, best score first (a panel; filters do not narrow it)."""

    kind: ClassVar[str] = "department"

    BINDINGS = [
        Binding("j", "cursor_down", "key.down", show=False, id="ranking.down"),
        Binding("k", "cursor_up", "key.up", show=False, id="ranking.up"),
        *SIDE_BINDINGS,
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", **kwargs)  # type: ignore[arg-type]
        self._rows: list[tuple[str, tuple[str, ...]]] = []

    def on_mount(self) -> None:
        for key, label, width in (
            ("rank", "col.rank", 4),
            ("department", "col.department", 12),
            ("light", "col.light", 6),
            ("score", "col.score", 6),
            ("done", "col.done", 7),
            ("overdue", "col.overdue", 6),
        ):
            self.add_column(Text(t(label)), width=width, key=key)

    def department_id_at_cursor(self) -> int | None:
        if not self._rows or not (0 <= self.cursor_row < len(self._rows)):
            return None
        return int(self._rows[self.cursor_row][0])

    def edit_target(self) -> tuple[str, int] | None:
        did = self.department_id_at_cursor()
        return ("department", did) if did is not None else None

    def open_target(self, board: Board) -> tuple[str, int] | None:
        return self.edit_target()

    def select_row(self, ident: int) -> bool:
        keys = [key for key, _cells in self._rows]
        if str(ident) not in keys:
            return False
        self.move_cursor(row=keys.index(str(ident)), animate=False)
        return True

    def title(self, board: Board, state: ViewState, number: int, name: str) -> Text:
        return Text(f"{number} {name}")

    def show(
        self, board: Board, state: ViewState, lit: Callable[[str], set[int]], family: str
    ) -> None:
        built = []
        for i, row in enumerate(ranking(board), start=1):
            s = row.status
            score = "—" if s.score is None else f"{s.score:.0%}"
            built.append(
                (
                    str(row.department.id),
                    (
                        cell(str(i), 4),
                        cell(row.department.name, 12),
                        light_text(s.light, family),
                        cell(score, 6),
                        # 完成 means one thing everywhere: done of all, as on the cards.
                        cell(f"{s.done}/{s.total}", 7),
                        cell(str(s.overdue), 6),
                    ),
                )
            )
        signature = [(k, tuple(c.plain for c in cells)) for k, cells in built]
        if signature == self._rows:
            return
        cursor_key = (
            self._rows[self.cursor_row][0] if 0 <= self.cursor_row < len(self._rows) else None
        )
        self.clear()
        for key, cells in built:
            self.add_row(*cells, key=key)
        self._rows = signature
        keys = [k for k, _ in built]
        if cursor_key in keys:
            self.move_cursor(row=keys.index(cursor_key), animate=False)
