"""The board's three Textual themes: dark (default), high contrast for projectors, and light.

Keyed by the names `board.config.THEME_NAMES` gives the command line. Each theme also names
its light colours (`light-red`, …) and its cursor: every light keeps ≥ 4.5:1 contrast (WCAG
2.x) on every background it is drawn on (a plain or striped row, the cursor, focused or not, a
hovered row, a card), which tests/app/test_contrast.py measures on the running app. Bright
lights on a dark theme need a dark cursor, dark lights on the light theme a pale one; the
cursor is told apart by its hue and a ▶ mark, not by a loud background.
"""

from __future__ import annotations

from textual.theme import Theme

from board.domain.status import Light

# The theme variables a light's colour is read from: one per light, every theme has them all.
LIGHT_VARIABLES = {light: f"light-{light.value}" for light in Light}

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
        variables={
            "light-none": "#a8a8a8",
            "light-done": "#5fafff",
            "light-green": "#5fd75f",
            "light-amber": "#ffd700",
            "light-red": "#ff7373",
            "block-cursor-background": "#1c3349",
            "block-cursor-foreground": "#ffffff",
            "block-cursor-blurred-background": "#1c2835",
            "block-cursor-blurred-foreground": "#e4e4e4",
            "block-hover-background": "#262626",
        },
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
        variables={
            "light-none": "#ffffff",
            "light-done": "#00ffff",
            "light-green": "#00ff00",
            "light-amber": "#ffff00",
            "light-red": "#ff6e6e",
            # A deep blue cursor: the projector shows it, and every light stays bright on it.
            "block-cursor-background": "#000087",
            "block-cursor-foreground": "#ffffff",
            "block-cursor-blurred-background": "#262626",
            "block-cursor-blurred-foreground": "#ffffff",
            "block-hover-background": "#1c1c1c",
        },
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
        variables={
            "light-none": "#595959",
            "light-done": "#0050b4",
            "light-green": "#006400",
            "light-amber": "#8a4600",
            "light-red": "#b40000",
            "block-cursor-background": "#cfe3f5",
            "block-cursor-foreground": "#1c1c1c",
            "block-cursor-blurred-background": "#e4eef7",
            "block-cursor-blurred-foreground": "#1c1c1c",
            "block-hover-background": "#f0f0f0",
        },
    ),
}


def light_colour(light: Light, family: str) -> str:
    """The colour of `light` in the theme `family` (a `THEMES` key; unknown → the default)."""
    theme = THEMES.get(family, THEMES["default"])
    return theme.variables[LIGHT_VARIABLES[light]]
