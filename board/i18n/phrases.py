"""Words the board, the CLI and the minutes all say the same way: light labels and due dates.

Textual-free (the store's minutes use them too); board.ui.text adds colour and widths on top.
"""

from __future__ import annotations

from datetime import date

from board.domain.status import Light
from board.i18n import t

LIGHT_GLYPHS = {
    Light.NONE: "·",
    Light.DONE: "✓",
    Light.GREEN: "●",
    Light.AMBER: "▲",
    Light.RED: "■",
}


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
