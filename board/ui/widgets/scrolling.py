"""What the line-API views (the projects table, the card lists) share: resizing the scrollable
area without a layout of the whole screen, and forgetting some of the strips they keep."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from board.ui.textual_private import update_scrollbars

Key = TypeVar("Key")

# On the overview, ← → and h l go to the panel beside this one (or, one panel at a time, the
# previous and next): a panel's rows never scroll sideways, and ScrollView and DataTable would
# otherwise take these keys for a sideways scroll or a column move that shows nothing.
SIDE_BINDINGS = [
    Binding("left,h", "screen.side(-1)", "key.left", show=False, id="panel.left"),
    Binding("right,l", "screen.side(1)", "key.right", show=False, id="panel.right"),
]


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give `view` a new scrollable size (rows came or went), telling only its scrollbars.

    Assigning `virtual_size` asks Textual for a layout: every widget on the screen is arranged
    again, and the scrollbars resized on the way repaint in a frame of their own, so a filter
    keystroke that changes the row count cost two frames. Where the view sits does not depend
    on its content; a layout still happens when a scrollbar appears or goes (`update_scrollbars`
    shows or hides them, and that asks for one).
    """
    if size == view.virtual_size:
        return
    view.set_reactive(ScrollView.virtual_size, size)
    update_scrollbars(view, size)
    view.refresh()


def forget_strips(strips: LRUCache[Key, Strip], stale: Callable[[Key], bool]) -> None:
    """Drop the kept strips whose key is `stale` (a row or card whose content changed): the
    rest stay, so a write redraws one row, not the screen."""
    keys = strips.keys()
    for key in [k for k in keys if stale(k)]:
        strips.discard(key)


def clear_strips(strips: LRUCache[Key, Strip]) -> None:
    """Drop every kept strip, one entry at a time.

    `LRUCache.clear()` lets go of its ring of links whole, and a ring is a reference cycle:
    only a full collection frees it, and the idle collector freezes what it finds alive
    (collector.py), so the strips of a cleared cache stayed until its ten-minute pass (peak
    memory in `board bench` +11 MB, at 300 and at 10,000 projects). An entry discarded alone
    is freed at once; a cache holds the lines on screen, tens of entries (about 1 µs each).
    """
    forget_strips(strips, lambda _key: True)
