"""A list of multi-line cards kept in place across refreshes (departments, blockers, pledges).

Drawn on demand with the line API, like the projects panel: a card is a few lines of text cut
to the width, so its height is known without rendering it, and only the lines on screen are
ever drawn. A refresh that keeps the same cards redraws only the lines of the cards whose text
changed; a filter that changes the cards costs the cards on screen, not all of them (a stock
`OptionList` measures every option on each change: 20 ms for 40 department cards). The
highlight stays on its card (by id) across refreshes; Enter or a click posts `Selected`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from board.ui.widgets.scrolling import (
    SIDE_BINDINGS,
    clear_strips,
    forget_strips,
    set_virtual_size,
)

# Strips kept for drawn card lines: a wall screen's lines, in each of their looks, many times.
STRIPS_KEPT = 1000


@dataclass(frozen=True)
class Card:
    """One card: its id, its text (lines split by newlines) and whether it can be selected
    (a group header cannot)."""

    id: str
    prompt: Text
    selectable: bool = True

    @property
    def height(self) -> int:
        return self.prompt.plain.count("\n") + 1


class CardList(ScrollView, can_focus=True):
    """Cards one under another; the highlighted one is what Enter opens."""

    BINDINGS = [
        Binding("down", "cursor(1)", "key.down", show=False),
        Binding("up", "cursor(-1)", "key.up", show=False),
        Binding("j", "cursor(1)", "key.down", show=False, id="cards.down"),
        Binding("k", "cursor(-1)", "key.up", show=False, id="cards.up"),
        Binding("pagedown", "page(1)", "key.down", show=False),
        Binding("pageup", "page(-1)", "key.up", show=False),
        Binding("home", "edge(0)", "key.up", show=False),
        Binding("end", "edge(1)", "key.down", show=False),
        Binding("enter", "select", "key.open", show=False),
        *SIDE_BINDINGS,
    ]
    COMPONENT_CLASSES = {
        "cards--highlighted",
        "cards--highlighted-blurred",
        "cards--disabled",
    }
    DEFAULT_CSS = """
    CardList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: scroll;  /* always: a scrollbar that comes and goes re-lays the screen */
        scrollbar-size-vertical: 1;
        background: $surface;
        color: $foreground;
    }
    CardList:focus { background-tint: $foreground 5%; }
    CardList > .cards--highlighted {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    CardList > .cards--highlighted-blurred {
        color: $foreground;
        background: $block-cursor-blurred-background;
    }
    CardList > .cards--disabled { color: $text-muted; }
    """

    highlighted: reactive[int | None] = reactive(None, always_update=False)

    class Selected(Message):
        """Enter (or a click) on a card."""

        def __init__(self, cards: CardList, card_id: str) -> None:
            super().__init__()
            self.cards = cards
            self.card_id = card_id

        @property
        def control(self) -> CardList:
            return self.cards

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._cards: list[Card] = []
        self._ids: list[str] = []
        self._tops: list[int] = []  # first line of each card
        self._prompts: dict[str, tuple[str, tuple[Span, ...]]] = {}
        # (card, line, look) → strip
        self._strips: LRUCache[tuple[int, int, str], Strip] = LRUCache(STRIPS_KEPT)
        self._made: dict[str, tuple[tuple[object, ...], Card]] = {}  # id → (inputs, card)

    # What the rest of the app asks -------------------------------------------------------------

    @property
    def text_width(self) -> int:
        """Cells a card line may use: the widget less its margins and a scrollbar, whether one
        shows or not, so a card's layout never depends on how many cards there are."""
        return max(20, (self.size.width or 60) - 3)

    @property
    def option_count(self) -> int:
        return len(self._cards)

    @property
    def highlighted_id(self) -> str | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self._cards)):
            return None
        return self._cards[index].id

    def select_id(self, card_id: str) -> bool:
        if card_id not in self._ids:
            return False
        self.move_to(self._ids.index(card_id))
        return True

    def on_resize(self) -> None:
        # Cards are cut to the width: a new width (or a hidden panel shown) needs a redraw.
        clear_strips(self._strips)
        redraw = getattr(self.app, "render_all", None)
        if callable(redraw):
            self.call_after_refresh(redraw)

    # Data in ------------------------------------------------------------------------------------

    def made(self, card_id: str, inputs: tuple[object, ...], make: Callable[[], Card]) -> Card:
        """The card built last time from equal `inputs`, else a new one from `make()`: a write
        changes a card or two, and the others are neither rebuilt nor compared."""
        earlier = self._made.get(card_id)
        if earlier is not None and earlier[0] == inputs:
            return earlier[1]
        card = make()
        self._made[card_id] = (inputs, card)
        return card

    def show_cards(self, cards: Sequence[Card]) -> None:
        """Show `cards`; the highlight stays on its card, and unchanged cards are not redrawn."""
        ids = [c.id for c in cards]
        if ids == self._ids:
            changed: list[int] = []
            for index, card in enumerate(cards):
                if self._cards[index] is card:
                    continue  # the very card drawn last time: nothing to compare
                signature = (card.prompt.plain, tuple(card.prompt.spans))
                if signature != self._prompts.get(card.id):
                    changed.append(index)
                    self._prompts[card.id] = signature
            heights_kept = all(self._cards[i].height == cards[i].height for i in changed)
            self._cards = list(cards)
            if not heights_kept:
                self._layout_cards()
                clear_strips(self._strips)
                self.refresh()
                return
            top = int(self.scroll_offset.y)
            forget_strips(self._strips, lambda key: key[0] in changed)
            for index in changed:
                self.refresh(
                    Region(0, self._tops[index] - top, self.size.width, cards[index].height)
                )
            return
        keep = self.highlighted_id
        previous = self.highlighted or 0
        self._cards = list(cards)
        self._ids = ids
        shown = set(ids)
        self._made = {k: v for k, v in self._made.items() if k in shown}
        self._prompts = {c.id: (c.prompt.plain, tuple(c.prompt.spans)) for c in cards}
        self._layout_cards()
        clear_strips(self._strips)
        self.refresh()
        if not cards:
            self.highlighted = None
            return
        if keep in ids:
            target: int | None = ids.index(keep)
        else:
            selectable = [i for i, c in enumerate(cards) if c.selectable]
            target = min(selectable, key=lambda i: abs(i - previous)) if selectable else None
        self.highlighted = target
        if target is not None:
            self.call_after_refresh(self.scroll_to_highlight)

    def _layout_cards(self) -> None:
        tops, line = [], 0
        for card in self._cards:
            tops.append(line)
            line += card.height
        self._tops = tops
        set_virtual_size(self, Size(self.scrollable_content_region.width or self.size.width, line))

    # Keys and mouse -----------------------------------------------------------------------------

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None and 0 <= index < len(self._cards):
                top = int(self.scroll_offset.y)
                self.refresh(
                    Region(0, self._tops[index] - top, self.size.width, self._cards[index].height)
                )

    def move_to(self, index: int) -> None:
        if not self._cards:
            return
        index = max(0, min(index, len(self._cards) - 1))
        self.highlighted = index
        self.scroll_to_highlight()

    def scroll_to_highlight(self) -> None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self._cards)):
            return
        first, height = self._tops[index], self._cards[index].height
        top, page = int(self.scroll_offset.y), max(1, self.size.height)
        if first < top or height > page:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif first + height > top + page:
            self.scroll_to(y=first + height - page, animate=False, immediate=True)

    def _step(self, start: int, step: int) -> int | None:
        """The next selectable card from `start` (excluded) in the direction of `step`."""
        index = start + step
        while 0 <= index < len(self._cards):
            if self._cards[index].selectable:
                return index
            index += step
        return None

    def action_cursor(self, step: int) -> None:
        if not self._cards:
            return
        start = self.highlighted if self.highlighted is not None else -step
        target = self._step(start, step)
        if target is not None:
            self.move_to(target)

    def action_page(self, step: int) -> None:
        if not self._cards:
            return
        current = self.highlighted or 0
        line = self._tops[current] + step * max(1, self.size.height)
        index = max(0, min(len(self._cards) - 1, bisect.bisect_right(self._tops, line) - 1))
        if not self._cards[index].selectable:
            index = self._step(index, step) or self._step(index, -step) or current
        self.move_to(index)

    def action_edge(self, end: int) -> None:
        if not self._cards:
            return
        target = self._step(len(self._cards), -1) if end else self._step(-1, 1)
        if target is not None:
            self.move_to(target)

    def action_select(self) -> None:
        card_id = self.highlighted_id
        if card_id is not None and self._cards[self.highlighted or 0].selectable:
            self.post_message(self.Selected(self, card_id))

    def card_at_line(self, line: int) -> int | None:
        if not self._cards or line < 0 or line >= self._tops[-1] + self._cards[-1].height:
            return None
        return bisect.bisect_right(self._tops, line) - 1

    def on_click(self, event: events.Click) -> None:
        index = self.card_at_line(int(self.scroll_offset.y) + event.y)
        if index is not None and self._cards[index].selectable:
            self.move_to(index)
            self.action_select()

    def on_focus(self) -> None:
        self._refresh_highlight()

    def on_blur(self) -> None:
        self._refresh_highlight()

    def _refresh_highlight(self) -> None:
        index = self.highlighted
        if index is not None and 0 <= index < len(self._cards):
            forget_strips(self._strips, lambda key: key[0] == index)
            self.watch_highlighted(None, index)

    # Drawing ------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        line = int(self.scroll_offset.y) + y
        index = self.card_at_line(line)
        if index is None:
            return Strip.blank(width, self.rich_style)
        card = self._cards[index]
        if index == self.highlighted and card.selectable:
            look = "cards--highlighted" if self.has_focus else "cards--highlighted-blurred"
        elif not card.selectable:
            look = "cards--disabled"
        else:
            look = ""
        row = line - self._tops[index]
        key = (index, row, look)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        base: Style = self.rich_style
        if look:
            base = base + self.get_component_rich_style(look)
        text = card.prompt.split("\n", allow_blank=True)[row]
        segments = [Segment(" ", base)]
        for segment in text.render(self.app.console):
            if segment.text == "\n":
                continue
            style = base + segment.style if segment.style else base
            segments.append(Segment(segment.text, style))
        strip = Strip(segments).crop(0, width).adjust_cell_length(width, base)
        self._strips[key] = strip
        return strip
