"""One-line bars: the key hints at the bottom and the slideshow's "next page" indicator."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from board.i18n import t

HINTS = (
    ("Tab", "key.next_panel"),
    ("Enter", "key.open"),
    ("/", "key.filter"),
    ("f", "key.light_filter"),
    ("s", "key.sort"),
    ("d", "key.department"),
    ("p", "key.present"),
    ("?", "key.help"),
    ("q", "key.quit_short"),
)
# On a page (a project, a department, the report since the last meeting): only what works there.
PAGE_HINTS = (
    ("Esc", "key.back"),
    ("↑↓", "key.scroll"),
    ("p", "key.present"),
    ("?", "key.help"),
    ("q", "key.quit_short"),
)


class KeyBar(Static):
    """The most used keys, in the UI language (Textual's Footer would show raw ids)."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def on_mount(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        # A screen says which keys work on it (KEY_HINTS); the overview's are the default. Its
        # EDIT_HINTS (the edit keys that act on it) come after its first two in --edit.
        hints = list(getattr(self.screen, "KEY_HINTS", HINTS))
        options = getattr(self.app, "options", None)
        edit_hints = getattr(self.screen, "EDIT_HINTS", ())
        if getattr(options, "edit", False) and edit_hints:
            # A coordinator editing is not presenting: the slideshow key gives way (80 cells).
            hints = [hint for hint in hints if hint[0] != "p"]
            hints[2:2] = edit_hints
        for key, label in hints:
            text.append(f" {key} ", style="reverse")
            text.append(f" {t(label)}  ")
        self.update(text)


class PresenterBar(Static):
    """ "下一页：土地局 · 9 秒" while the slideshow runs; hidden otherwise."""

    DEFAULT_CSS = """
    PresenterBar { height: 1; display: none; text-align: right; padding: 0 1;
                   background: $panel; color: $accent; text-style: bold; }
    PresenterBar.-on { display: block; }
    """

    def say(self, message: str | None) -> None:
        if message == getattr(self, "_said", ""):
            return
        self._said = message
        self.set_class(message is not None, "-on")
        self.update(Text(message or ""))
