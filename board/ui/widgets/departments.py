"""The departments panel: one card per department with its most urgent pledges."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text

from board.i18n import t
from board.ui.text import HIGHLIGHT_STYLE, fit, light_style, light_text, pad_whole, phrase_width
from board.ui.widgets.cards import Card, CardList
from board.view.board import Board
from board.view.selections import DepartmentCard, ViewState, select_departments
from board.view.words import SINCE_MARK, clean, days_phrase

CARD_PLEDGES = 8  # a card never shows more pledges than this


def card_lines(height: int, cards: int) -> int:
    """Pledge lines per card: enough that a tall screen shows more and a short one stays
    scannable; when the cards are few (a department picked with d, a narrow filter) they
    share the whole panel (a picked card showed 4 pledges and "+2 条" above empty space)."""
    usual = max(2, min(CARD_PLEDGES, height // 6))
    if cards <= 0:
        return usual
    # Each card also has its name line and maybe a "+N 条" line.
    return max(usual, height // cards - 2)


def department_card(
    board: Board, card: DepartmentCard, width: int, max_lines: int, lit: bool, family: str
) -> Card:
    """Name, done/total and overdue, then pledges (most urgent first) and "+N 条"."""
    dept, status = card.department, card.status
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append_text(light_text(status.light, family))
    text.append(" ")
    summary = t("dept.summary", done=status.done, total=status.total, overdue=status.overdue)
    name_width = max(4, width - 6 - cell_len(summary))
    marked = SINCE_MARK if dept.id in board.since.departments else ""
    text.append(fit(marked + clean(dept.name), name_width), style="bold")
    text.append("  " + summary, style="dim")
    shown = card.pledges[:max_lines]
    if not card.pledges:
        text.append("\n  " + t("dept.none"), style="dim")
    for pledge in shown:
        light = board.status.pledges[pledge.id]
        when = (
            t(f"status.{pledge.status}")
            if pledge.is_closed
            else days_phrase(pledge.due_on, board.today)
        )
        text.append("\n  ")
        text.append_text(light_text(light, family, word=False))
        text.append(" " + pad_whole(when, phrase_width()) + " ", style=light_style(light, family))
        content = (t("bad.value") + " " if pledge.problems else "") + clean(pledge.content)
        text.append(fit(content, max(4, width - 6 - phrase_width())))
    hidden = card.matching - len(shown)
    if hidden > 0:
        text.append("\n  " + t("dept.more", count=hidden), style="dim italic")
    if lit:
        text.stylize(HIGHLIGHT_STYLE)
    return Card(id=f"dept-{dept.id}", prompt=text)


class DepartmentCards(CardList):
    """Cards in speaking order (or worst first), each with its pledges (a panel)."""

    kind: ClassVar[str] = "department"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._count = 0

    def show(
        self, board: Board, state: ViewState, lit: Callable[[str], set[int]], family: str
    ) -> None:
        cards = select_departments(board, state, limit=CARD_PLEDGES)
        lit_ids = lit("department")
        width = self.text_width
        height = self.size.height or 20
        max_lines = card_lines(height, len(cards))
        if max_lines > CARD_PLEDGES:  # a few cards (one department picked): show them whole
            cards = select_departments(board, state, limit=None)
        self._count = len(cards)
        self.show_cards(
            [
                self.card(board, c, width, max_lines, c.department.id in lit_ids, family)
                for c in cards
            ]
        )

    def title(self, board: Board, state: ViewState, number: int, name: str) -> Text:
        return Text(
            t("panel.title", n=number, name=name, count=self._count)
            + f" · {t(f'deptorder.{state.department_order}')}"
        )

    def card(
        self,
        board: Board,
        card: DepartmentCard,
        width: int,
        max_lines: int,
        lit: bool,
        family: str,
    ) -> Card:
        """The card drawn last time when nothing it shows changed (a write changes one or two
        departments; the other cards are not rebuilt)."""
        shown = tuple(card.pledges[:max_lines])
        inputs = (
            card.department,
            card.status,
            shown,
            tuple(board.status.pledges[p.id] for p in shown),
            card.matching,
            board.today,
            card.department.id in board.since.departments,
            width,
            max_lines,
            lit,
            family,
        )
        return self.made(
            f"dept-{card.department.id}",
            inputs,
            lambda: department_card(board, card, width, max_lines, lit, family),
        )

    def department_id_at_cursor(self) -> int | None:
        card_id = self.highlighted_id
        return int(card_id.removeprefix("dept-")) if card_id else None

    def edit_target(self) -> tuple[str, int] | None:
        did = self.department_id_at_cursor()
        return ("department", did) if did is not None else None

    def open_target(self, board: Board) -> tuple[str, int] | None:
        return self.edit_target()

    def select_row(self, ident: int) -> bool:
        return self.select_id(f"dept-{ident}")
