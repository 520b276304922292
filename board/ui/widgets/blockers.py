"""The blockers panel (问题清单): open blockers grouped by category; resolved ones counted."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text

from board.domain.snapshot import Blocker
from board.i18n import t
from board.ui.text import HIGHLIGHT_STYLE, fit, light_style, light_text, pad_whole, phrase_width
from board.ui.widgets.cards import Card, CardList
from board.view.board import Board
from board.view.selections import ViewState, select_blockers
from board.view.words import SINCE_MARK, clean, days_phrase


def blocker_card(board: Board, blocker: Blocker, width: int, lit: bool, family: str) -> Card:
    light = board.blocker_light(blocker)
    project = board.projects.get(blocker.project_id) if blocker.project_id is not None else None
    project_name = project.name if project else t("unknown.project", id=blocker.project_id)
    dept = board.department_name(blocker.department_id) or "—"
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append_text(light_text(light, family, word=False))
    text.append(
        " " + pad_whole(days_phrase(blocker.due_on, board.today), phrase_width()),
        style=light_style(light, family),
    )
    text.append(" " + fit(clean(dept), 10) + " ", style="bold")
    marked = SINCE_MARK if blocker.id in board.since.blockers else ""
    text.append(fit(marked + clean(project_name), max(4, width - 26)))
    description = (t("bad.value") + " " if blocker.problems else "") + clean(blocker.description)
    text.append("\n    " + fit(description, max(4, width - 4)), style="dim")
    if lit:
        text.stylize(HIGHLIGHT_STYLE)
    return Card(id=f"blocker-{blocker.id}", prompt=text)


# The most urgent this many per category are listed; the rest are counted (the whole list is
# in the export and in each department's page).
PER_GROUP = 30


class BlockerList(CardList):
    """Open blockers under category headers, then how many were resolved (销号) (a panel)."""

    kind: ClassVar[str] = "blocker"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._open = 0

    def card(self, board: Board, blocker: Blocker, width: int, lit: bool, family: str) -> Card:
        project = board.projects.get(blocker.project_id) if blocker.project_id is not None else None
        inputs = (
            blocker,
            board.today,
            project.name if project else None,
            board.department_name(blocker.department_id),
            blocker.id in board.since.blockers,
            width,
            lit,
            family,
        )
        return self.made(
            f"blocker-{blocker.id}",
            inputs,
            lambda: blocker_card(board, blocker, width, lit, family),
        )

    def show(
        self, board: Board, state: ViewState, lit: Callable[[str], set[int]], family: str
    ) -> None:
        groups, resolved = select_blockers(board, state)
        lit_ids = lit("blocker")
        self._open = sum(len(group.blockers) for group in groups)
        width = self.text_width
        cards: list[Card] = []
        for group in groups:
            header = Text(
                t(
                    "blockers.group",
                    category=t(f"blocker.{group.category}"),
                    count=len(group.blockers),
                ),
                style="bold underline",
            )
            cards.append(Card(id=f"group-{group.category}", prompt=header, selectable=False))
            shown = group.blockers[:PER_GROUP]
            cards.extend(self.card(board, b, width, b.id in lit_ids, family) for b in shown)
            if len(group.blockers) > len(shown):
                more = Text(
                    "    " + t("dept.more", count=len(group.blockers) - len(shown)),
                    style="dim italic",
                )
                cards.append(Card(id=f"more-{group.category}", prompt=more, selectable=False))
        if not groups:
            cards.append(
                Card(id="none", prompt=Text(t("blockers.none"), style="dim"), selectable=False)
            )
        cards.append(
            Card(
                id="resolved",
                prompt=Text(t("blockers.resolved", count=resolved), style="dim"),
                selectable=False,
            )
        )
        self.show_cards(cards)

    def title(self, board: Board, state: ViewState, number: int, name: str) -> Text:
        return Text(t("panel.title", n=number, name=name, count=self._open))

    def blocker_id_at_cursor(self) -> int | None:
        card_id = self.highlighted_id
        if card_id and card_id.startswith("blocker-"):
            return int(card_id.removeprefix("blocker-"))
        return None

    def edit_target(self) -> tuple[str, int] | None:
        bid = self.blocker_id_at_cursor()
        return ("blocker", bid) if bid is not None else None

    def open_target(self, board: Board) -> tuple[str, int] | None:
        """The blocker's project (a blocker has no page of its own)."""
        blocker_id = self.blocker_id_at_cursor()
        for blocker in board.snapshot.blockers:
            if blocker.id == blocker_id and blocker.project_id in board.projects:
                return ("project", blocker.project_id)
        return None

    def select_row(self, ident: int) -> bool:
        return self.select_id(f"blocker-{ident}")
