"""Words the board, the CLI and the minutes all say the same way, without Textual or Rich.

Light labels (glyph and word, so no colour is needed to read them), due-date phrases, stage
pipelines, progress bars, countdowns and money, and `clean`, which makes database text one safe
line. `board.ui.text` adds colours and cell widths on top.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from board.domain.codes import STAGES
from board.domain.status import Light
from board.i18n import t

LIGHT_GLYPHS = {
    Light.NONE: "·",
    Light.DONE: "✓",
    Light.GREEN: "●",
    Light.AMBER: "▲",
    Light.RED: "■",
}
SINCE_MARK = "◆"  # on rows changed since the last meeting


def light_label(light: Light) -> str:
    """■红, ▲黄, ●绿, ✓完成: glyph and word, so no colour is needed to read it."""
    return LIGHT_GLYPHS[light] + t(f"light.{light.value}")


def days_phrase(due: date | None, today: date) -> str:
    """逾期 N 天 / 今天到期 / 还剩 N 天."""
    if due is None:
        return "—"
    days = (due - today).days
    if days < 0:
        return t("days.overdue", days=-days)
    if days == 0:
        return t("days.today")
    return t("days.left", days=days)


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


def pipeline(stage: str) -> str:
    """The stage as a five-step pipeline: ●●●○○ for 开工."""
    reached = STAGES.index(stage) + 1 if stage in STAGES else 0
    return "●" * reached + "○" * (len(STAGES) - reached)


def progress_bar(progress: int, width: int = 8) -> str:
    """A bar of `width` cells plus the percentage, e.g. ████░░░░ 50%."""
    progress = max(0, min(100, progress))
    full = round(progress * width / 100)
    return "█" * full + "░" * (width - full) + f" {progress:>3}%"


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


def countdowns(season_end: date | None, year_end: date | None, today: date) -> list[str]:
    """The header's countdowns: to the winter shutdown, to 31 December of today's year, and to
    the file's own year-end date under its own label when that is another day."""
    out = [countdown(season_end, today, "season")]
    december = date(today.year, 12, 31)
    out.append(countdown(december, today, "year"))
    if year_end is not None and year_end != december:
        out.append(countdown(year_end, today, "target"))
    return out
