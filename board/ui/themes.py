"""The board's three Textual themes: dark (default), high contrast for projectors, and light.

Keyed by the names `board.config.THEME_NAMES` gives the command line.
"""

from __future__ import annotations

from textual.theme import Theme

THEMES = {
    "default": Theme(
        name="board-dark",
        primary="#5f87af",
        accent="#ffaf00",
        background="#121212",
        surface="#1c1c1c",
        panel="#262626",
        foreground="#e4e4e4",
        dark=True,
    ),
    "contrast": Theme(
        name="board-contrast",
        primary="#ffffff",
        accent="#ffff00",
        background="#000000",
        surface="#000000",
        panel="#303030",
        foreground="#ffffff",
        dark=True,
    ),
    "light": Theme(
        name="board-light",
        primary="#005f87",
        accent="#af5f00",
        background="#fafafa",
        surface="#ffffff",
        panel="#e4e4e4",
        foreground="#1c1c1c",
        dark=False,
    ),
}
