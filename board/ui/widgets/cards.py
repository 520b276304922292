"""A list of multi-line cards kept in place across refreshes (departments, blockers).

Built on `OptionList`: each card is an option with an id. When the ids stay the same, only
prompts that changed are replaced, so the highlight and scroll never move; otherwise the list
is rebuilt and the highlight returns to the card it was on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Span, Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Card:
    """One option: its id (None for a header that cannot be selected) and its text."""

    id: str
    prompt: Text
    selectable: bool = True


class CardList(OptionList):
    """An OptionList that applies a new list of cards as a diff."""

    BINDINGS = [
        Binding("j", "cursor_down", "key.down", show=False, id="cards.down"),
        Binding("k", "cursor_up", "key.up", show=False, id="cards.up"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._ids: list[str] = []
        self._prompts: dict[str, tuple[str, tuple[Span, ...]]] = {}
        self._cards: dict[str, Card] = {}

    @property
    def text_width(self) -> int:
        """Cells a card line may use: the widget less a scrollbar, whether one shows or not,
        so a card's layout never depends on how many cards there are."""
        return max(20, (self.size.width or 60) - 3)

    def on_resize(self) -> None:
        # Cards are cut to the width: a new width (or a hidden panel shown) needs a redraw.
        redraw = getattr(self.app, "render_all", None)
        if callable(redraw):
            self.call_after_refresh(redraw)

    @property
    def highlighted_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def select_id(self, card_id: str) -> bool:
        if card_id not in self._ids:
            return False
        self.highlighted = self._ids.index(card_id)
        return True

    def show_cards(self, cards: Sequence[Card]) -> None:
        ids = [c.id for c in cards]
        if ids == self._ids:
            for c in cards:
                if self._cards.get(c.id) is c:
                    continue  # the very card drawn last time: nothing to compare
                signature = (c.prompt.plain, tuple(c.prompt.spans))
                if signature != self._prompts.get(c.id):
                    self.replace_option_prompt(c.id, c.prompt)
                    self._prompts[c.id] = signature
            self._cards = {c.id: c for c in cards}
            return
        signatures = {c.id: (c.prompt.plain, tuple(c.prompt.spans)) for c in cards}
        keep = self.highlighted_id
        index = self.highlighted or 0
        scroll_y = self.scroll_y
        self.set_options(Option(c.prompt, id=c.id, disabled=not c.selectable) for c in cards)
        self._ids = ids
        self._prompts = signatures
        self._cards = {c.id: c for c in cards}
        if not cards:
            return
        if keep in ids:
            self.highlighted = ids.index(keep)
        else:
            selectable = [i for i, c in enumerate(cards) if c.selectable]
            if selectable:
                self.highlighted = min(selectable, key=lambda i: abs(i - index))
        self.scroll_to(y=scroll_y, animate=False, immediate=True)
        self.call_after_refresh(self.scroll_to_highlight)
