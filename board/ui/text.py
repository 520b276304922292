"""Turning database text and figures into safe, width-exact Rich `Text` for the board.

Database text is data, never markup: everything here builds `Text` objects (never markup
strings) from text `board.view.words.clean` made one safe line, and cuts by terminal cells (a
CJK character is two cells, as Rich counts them when it draws) with an ellipsis, so columns
line up and nothing wraps into its neighbour.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from board.domain.status import Light
from board.i18n import current_language, t
from board.ui.themes import light_colour
from board.view.words import LIGHT_GLYPHS, clean

ELLIPSIS = "…"
# A row changed a moment ago: reversed, so a light keeps its contrast (the ratio is symmetric).
HIGHLIGHT_STYLE = "reverse"


def fit(value: str, width: int) -> str:
    """`value` cut to at most `width` cells, with an ellipsis when cut (never mid-character)."""
    if width <= 0:
        return ""
    if cell_len(value) <= width:
        return value
    out: list[str] = []
    used = 0
    for char in value:
        w = cell_len(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + ELLIPSIS


def pad(value: str, width: int) -> str:
    """`value` fitted and padded with spaces to exactly `width` cells."""
    fitted = fit(value, width)
    return fitted + " " * (width - cell_len(fitted))


def cell(value: str | None, width: int | None = None, style: str = "") -> Text:
    """Safe Text for a table cell or card line (cut to `width` cells when given)."""
    plain = clean(value)
    if width is not None:
        plain = fit(plain, width)
    return Text(plain, style=style, no_wrap=True, overflow="ellipsis", end="")


def light_style(light: Light, family: str = "default") -> str:
    """A light's style in the theme `family`: its theme colour (board.ui.themes), bold; the
    glyph and word carry the meaning without the colour."""
    return "bold " + light_colour(light, family)


@functools.cache
def aligned_word(light: Light, language: str) -> str:
    """The light's word padded to the widest light word of `language` (asked for every light
    of every row drawn: a filter keystroke draws thousands)."""
    widest = max(cell_len(t(f"light.{x.value}")) for x in Light)
    return pad(t(f"light.{light.value}"), widest)


def light_text(
    light: Light, family: str = "default", word: bool = True, aligned: bool = True
) -> Text:
    """The light as glyph (+ word), e.g. ■红, in its colour; `aligned` pads it so that every
    light of the UI language takes the same cells (columns of lights stay aligned)."""
    if not word:
        return Text(LIGHT_GLYPHS[light], style=light_style(light, family), no_wrap=True, end="")
    if not aligned:
        label = LIGHT_GLYPHS[light] + t(f"light.{light.value}")
        return Text(label, style=light_style(light, family), no_wrap=True, end="")
    label = LIGHT_GLYPHS[light] + aligned_word(light, current_language())
    return Text(label, style=light_style(light, family), no_wrap=True, end="")


def phrase_width() -> int:
    """Cells of the longest due phrase in the UI language (还剩 116 天 / 116 d overdue): three
    digits, so that a phrase is never cut (two cut 还剩 116 天 to 还剩 116…)."""
    return max(
        cell_len(t("days.overdue", days=999)),
        cell_len(t("days.left", days=999)),
        cell_len(t("days.today")),
    )


def segments(text: Text, console: Console, base: Style) -> Iterator[Segment]:
    """`text` as one line of segments over `base`, for the line-API panels. `Text.render` leaves
    the text's own style (a light's colour given as `Text(..., style=...)`) to the console that
    prints it; a strip has no such console, so it is laid under the spans here."""
    own = base + console.get_style(text.style) if text.style else base
    for segment in text.render(console):
        if segment.text != "\n":
            yield Segment(segment.text, own + segment.style if segment.style else own)


def mark_style(component: Style) -> Style:
    """A mark's colour and weight from its component style, without its background (the mark
    sits on the row's own background)."""
    return Style(color=component.color, bold=component.bold)


def pad_whole(value: str, width: int) -> str:
    """`value` padded with spaces to `width` cells, never cut (a figure stays whole)."""
    return value + " " * max(0, width - cell_len(value))
