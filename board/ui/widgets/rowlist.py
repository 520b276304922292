"""A selectable list on a detail page that is as tall as its rows (a department's pledges, a
project's milestones), scrolled with the page around it.

A card list of its own height (`height: auto` under a scroll) stayed at the size it had when
the page was built: its rows grow without a layout (scrolling.set_virtual_size), so the
department page showed five of its pledges, or none, above thirty empty lines. Here the list
sets its height to its lines whenever that changes, has no scrollbar of its own, and moves the
page's scroll so that the row under its cursor stays in sight.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.geometry import Region
from textual.widget import Widget

from board.ui.widgets.cards import Card, CardList
from board.ui.widgets.scrolling import clear_strips


class RowList(CardList):
    """Cards one under another, the page scrolling to follow the cursor."""

    DEFAULT_CSS = """
    RowList { height: auto; overflow-y: hidden; overflow-x: hidden; border: none;
              background: $surface; }
    RowList:focus { background-tint: $foreground 5%; }
    """

    @property
    def text_width(self) -> int:
        """Cells a line may use: the width less the one-cell margin each line starts with (no
        scrollbar here: the page scrolls)."""
        return max(20, (self.size.width or 77) - 1)

    def on_resize(self) -> None:
        """Only a new width changes the rows (they are laid out to it), and only this page's:
        the list's height changes with every row shown, and the card lists' way (redraw the
        whole board) cost a second draw of the overview at each Enter (40 ms at 10,000)."""
        width = self.size.width
        if width == getattr(self, "_laid_width", None):
            return
        self._laid_width = width
        clear_strips(self._strips)
        redraw = getattr(self.screen, "render_board", None)
        if callable(redraw) and getattr(self.screen, "composed", False):
            self.call_after_refresh(redraw)

    @property
    def lines(self) -> int:
        return sum(card.height for card in self._cards)

    def show_cards(self, cards: Sequence[Card]) -> None:
        super().show_cards(cards)
        lines = max(1, sum(card.height for card in cards))
        if self.styles.height is None or self.styles.height.value != lines:
            self.styles.height = lines

    def move_to(self, index: int) -> None:
        self._moving = True  # a key moved the cursor: the page follows it
        try:
            super().move_to(index)
        finally:
            self._moving = False

    def scroll_to_highlight(self) -> None:
        """Bring the cursor's row into the page's view, when a key moved it: a page that is
        opened or refreshed stays where it is (it opened scrolled to its timeline)."""
        if not getattr(self, "_moving", False):
            return
        index = self.highlighted
        page = self.parent
        if index is None or not (0 <= index < len(self._cards)) or not isinstance(page, Widget):
            return
        top = self.virtual_region.y + self._tops[index]
        card = self._cards[index]
        region = Region(0, top, self.size.width or 1, card.height)
        if index == self._first_selectable():  # the first row brings the list's header along
            start = self.virtual_region.y
            region = Region(0, start, region.width, top + card.height - start)
        page.scroll_to_region(region, animate=False, immediate=True)

    def _first_selectable(self) -> int | None:
        return next((i for i, c in enumerate(self._cards) if c.selectable), None)

    def action_cursor(self, step: int) -> None:
        """Past its first or last row, the cursor keys scroll the page on (the rest of the
        page is read with the same keys)."""
        start = self.highlighted if self.highlighted is not None else -step
        if self._step(start, step) is not None:
            super().action_cursor(step)
            return
        page = self.parent
        if isinstance(page, Widget):
            if step > 0:
                page.scroll_down(animate=False)
            else:
                page.scroll_up(animate=False)
