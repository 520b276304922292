"""Turning database text and figures into safe, width-exact Rich `Text` for the board.

Database text is data, never markup: everything here builds `Text` objects (never markup
strings), makes control characters visible, and cuts by terminal cells (a CJK character is two
cells) with an ellipsis, so columns line up and nothing wraps into its neighbour.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from rich.cells import cell_len
from rich.text import Text

from board.domain.snapshot import STAGE_ORDER
from board.domain.status import Light
from board.i18n import t
from board.i18n.phrases import LIGHT_GLYPHS

ELLIPSIS = "…"
# Colour per theme family; the glyph and word carry the meaning without it.
LIGHT_STYLES = {
    "dark": {
        Light.NONE: "dim",
        Light.DONE: "bold #5fafff",
        Light.GREEN: "bold #5fd75f",
        Light.AMBER: "bold #ffd700",
        Light.RED: "bold #ff5f5f",
    },
    "contrast": {
        Light.NONE: "#ffffff",
        Light.DONE: "bold #00ffff",
        Light.GREEN: "bold #00ff00",
        Light.AMBER: "bold #ffff00",
        Light.RED: "bold #ffffff on #d70000",
    },
    "light": {
        Light.NONE: "#808080",
        Light.DONE: "bold #005fd7",
        Light.GREEN: "bold #008700",
        Light.AMBER: "bold #af5f00",
        Light.RED: "bold #d70000",
    },
}
HIGHLIGHT_STYLE = "reverse"
SINCE_MARK = "◆"  # on rows changed since the last meeting


def clean(value: str | None) -> str:
    """One line of display text: control characters shown as symbols, whitespace folded."""
    if not value:
        return ""
    out: list[str] = []
    for char in value:
        if char in "\n\r\t":
            out.append(" ")
        elif char == "\x1b":
            out.append("␛")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            code = ord(char)
            out.append(chr(0x2400 + code) if code < 0x20 else "�")
        else:
            out.append(char)
    return "".join(out)


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


def light_style(light: Light, family: str = "dark") -> str:
    return LIGHT_STYLES.get(family, LIGHT_STYLES["dark"])[light]


def light_text(light: Light, family: str = "dark", word: bool = True, aligned: bool = True) -> Text:
    """The light as glyph (+ word), e.g. ■红, in its colour; `aligned` pads it so that every
    light of the UI language takes the same cells (columns of lights stay aligned)."""
    if not word:
        return Text(LIGHT_GLYPHS[light], style=light_style(light, family), no_wrap=True, end="")
    if not aligned:
        label = LIGHT_GLYPHS[light] + t(f"light.{light.value}")
        return Text(label, style=light_style(light, family), no_wrap=True, end="")
    widest = max(cell_len(t(f"light.{x.value}")) for x in Light)
    label = LIGHT_GLYPHS[light] + pad(t(f"light.{light.value}"), widest)
    return Text(label, style=light_style(light, family), no_wrap=True, end="")


def pipeline(stage: str) -> str:
    """The stage as a five-step pipeline: ●●●○○ for 开工."""
    reached = STAGE_ORDER.index(stage) + 1 if stage in STAGE_ORDER else 0
    return "●" * reached + "○" * (len(STAGE_ORDER) - reached)


def progress_bar(progress: int, width: int = 8) -> str:
    """A bar of `width` cells plus the percentage, e.g. ████░░░░ 50%."""
    progress = max(0, min(100, progress))
    full = round(progress * width / 100)
    return "█" * full + "░" * (width - full) + f" {progress:>3}%"


def phrase_width() -> int:
    """Cells of the longest due phrase in the UI language (逾期 99 天 / 99 d overdue)."""
    return max(
        cell_len(t("days.overdue", days=99)),
        cell_len(t("days.left", days=99)),
        cell_len(t("days.today")),
    )


def countdown(target: date | None, today: date, key: str) -> str:
    """距冬季停工 N 天, or that it has passed (never a negative count)."""
    if target is None:
        return f"{t(f'header.{key}', days='?')}"
    days = (target - today).days
    if days > 0:
        return t(f"header.{key}", days=days)
    if days == 0:
        return t(f"header.{key}_today")
    return t(f"header.{key}_past", days=-days)


def money(value: float | None) -> str:
    """万元 figures without noise: 12000 → 12,000; None → —."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
