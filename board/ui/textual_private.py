"""Every call board makes into Textual's private API, fenced in one place.

Textual is pinned exactly (pyproject.toml) because of these. Each reaches past the public API
for a measured reason given at its definition; tests/unit/test_textual_private.py fails loudly,
naming the call, when a Textual upgrade renames or changes one. Nothing else in board may use
a name of Textual's that starts with an underscore.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any, Self

from textual import events
from textual.app import App
from textual.geometry import Region, Size
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widgets import Input

TEXTUAL_VERSION = "8.2.8"  # the version these were checked against (and pinned)


def update_scrollbars(view: ScrollView, size: Size) -> None:
    """What Textual does after a layout changed a scroll view's virtual size: scrollbars resized
    and shown or hidden, the offset kept inside the new size. Called instead of assigning
    `virtual_size`, which lays out the whole screen (a filter keystroke cost two frames)."""
    view._scroll_update(size)


def arrange_hidden_screen(screen: Screen[Any], size: Size) -> None:
    """Lay a screen out for `size` while it is not shown (Textual's own step on a resize; it
    draws nothing unless the screen is current), so its first push only paints."""
    screen._refresh_layout(size)


def start_installed_screen(app: App[Any], name: str) -> None:
    """Start an installed screen without showing it: the step Textual takes when one is first
    pushed (its widgets composed and mounted), done ahead while the board is idle."""
    app._get_screen(name)


def keys_for(app: App[Any], binding_id: str, default: str) -> str:
    """The keys the app's keymap gives binding `binding_id` now (help shows remapped keys);
    Textual keeps the keymap it was given in a private attribute."""
    keymap: Mapping[str, str] = app._keymap
    return keymap.get(binding_id, default)


class QuietInput(Input):
    """An Input whose value changes do not ask for a layout of the whole screen.

    Input asks for one whenever its value changes (its scrollable width changed), and a layout
    repaints every panel. A docked, full-width line's size never depends on its text, so
    layouts asked for while the value changes are dropped; any other (shown or hidden) still
    happens. The hook is Textual's private value watcher."""

    _typing = False

    def _watch_value(self, value: str) -> None:
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        layout = layout and not self._typing
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


def send_key(app: App[Any], key: str) -> None:
    """What a terminal does: a Key event into the app's driver, which posts it as if typed
    (the bench's probe measures keys from here). Key names and characters are derived the way
    Textual's own pilot derives them."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    char: str | None
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    driver = app._driver
    if driver is None:
        raise RuntimeError("the app has no driver: it is not running")
    driver.send_message(event)
