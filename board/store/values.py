"""Checking values that people type (CLI options, import cells, edit forms) before any write.

Each checker returns the value in the file's form (ISO date text, English code, int) or raises
`BoardError` with one line saying what was wrong. Codes may be given in English or in Chinese
(签约, 用地, 已完成…): people type what they read on the board.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from board.domain.codes import BLOCKER_CATEGORIES, CATEGORIES, PLEDGE_STATUSES, STAGES
from board.errors import BoardError
from board.i18n import CATALOGS, t

CODE_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stage": ("stage", STAGES),
    "category": ("category", CATEGORIES),
    "status": ("status", PLEDGE_STATUSES),
    "blocker": ("blocker", BLOCKER_CATEGORIES),
}


def check_date(value: Any, field: str = "date") -> str:
    """An ISO date (text, `date` or Excel datetime) → 'YYYY-MM-DD'."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip() if value is not None else ""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise BoardError(t("err.bad_date", value=text or "∅"), kind="value") from None


def check_optional_date(value: Any, field: str = "date") -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return check_date(value, field)


def check_progress(value: Any) -> int:
    """Progress 0–100, whole number."""
    try:
        number = float(str(value).strip().rstrip("%"))
    except ValueError:
        raise BoardError(t("err.bad_progress", value=value), kind="value") from None
    if not number.is_integer() or not 0 <= number <= 100:
        raise BoardError(t("err.bad_progress", value=value), kind="value")
    return int(number)


def check_money(value: Any) -> float | None:
    """万元: a number, or empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        raise BoardError(t("err.bad_money", value=value), kind="value") from None
    if not math.isfinite(number):  # inf and nan parse as floats but are not amounts
        raise BoardError(t("err.bad_money", value=value), kind="value")
    return number


def check_code(value: Any, kind: str) -> str:
    """An English code of list `kind`, also accepting its Chinese (or English) word."""
    prefix, codes = CODE_LISTS[kind]
    text = str(value).strip() if value is not None else ""
    if text in codes:
        return text
    for code in codes:
        words = {catalog.get(f"{prefix}.{code}", "") for catalog in CATALOGS.values()}
        if text in words or text.casefold() in {w.casefold() for w in words}:
            return code
    raise BoardError(
        t(
            "err.bad_code",
            value=text or "∅",
            choices=" / ".join(f"{c} {t(f'{prefix}.{c}')}" for c in codes),
        ),
        kind="value",
    )


def check_text(value: Any, field: str) -> str:
    """Required text: not empty once trimmed."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise BoardError(t("err.empty", field=field), kind="value")
    return text
