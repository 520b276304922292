"""Cell values: what export writes for a stored value, and how a cell reads back.

`normal` is the comparable text of a cell (what a CSV holds for it); a cell whose `normal`
equals that of what export wrote for its row is unchanged. Each `read_*` returns the stored form
or raises a one-line BoardError, which the import planner turns into a problem for its report.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from board.errors import BoardError
from board.exchange.sheets import CODE_LISTS, Column
from board.i18n import CATALOGS, t, zh_cn
from board.store.values import check_money, check_progress

MAX_TEXT = 32767  # the most characters an Excel cell holds
MAX_INT = 2**63 - 1  # SQLite INTEGER
ZH = zh_cn.STRINGS  # the file format speaks Chinese whatever the UI language

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def code_word(prefix: str, code: str) -> str:
    return ZH.get(f"{prefix}.{code}", code)


def normal(value: Any) -> str:
    """A cell as comparable text: what a CSV holds for it, and the key of 'unchanged'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"  # what Excel keeps of a number
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text).strip()


@dataclass
class Lookups:
    """Names for ids, as export shows references."""

    departments: dict[int, str] = field(default_factory=dict)
    projects: dict[int, str] = field(default_factory=dict)


def export_value(column: Column, raw: Any, names: Lookups) -> Any:
    """The cell export writes for a stored value (a typed value for xlsx; `normal` for CSV)."""
    if raw is None:
        return None
    kind = column.kind
    if kind == "date":
        if isinstance(raw, str):
            try:
                return date.fromisoformat(raw.strip())
            except ValueError:
                return raw  # not a date in the file: shown as it is, flagged by the board
        return raw
    if kind == "code":
        return code_word(column.codes, str(raw))
    if kind == "department":
        return names.departments.get(raw, f"#{raw}")
    if kind == "project":
        return names.projects.get(raw, f"#{raw}")
    if kind == "money" and isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, str):
        return CONTROL.sub("", raw)
    return raw


# Words earlier versions of board exported, still read back.
LEGACY_WORDS: dict[str, dict[str, str]] = {
    "kind": {"局": "bureau", "部门": "office", "村": "village"},
}


# Reading cells: each returns the stored form or raises a one-line BoardError -----------------

DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
INT_RE = re.compile(r"[+-]?\d+(?:\.0*)?")


def bad_date(value: Any) -> BoardError:
    return BoardError(t("err.bad_date", value=normal(value) or "∅"), kind="value")


def read_date(value: Any) -> str:
    """A date from an Excel date, ISO text, or 2026/9/1, 2026.9.1, 2026年9月1日 (with an
    optional time of day, as Excel writes datetimes into CSV)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise bad_date(value)  # a bare number is not a date: too easy to get wrong
    match = DATE_RE.fullmatch(value.strip())
    if match is None:
        raise bad_date(value)
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        raise bad_date(value) from None


def read_int(value: Any) -> int:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    elif isinstance(value, str) and INT_RE.fullmatch(value.strip()):
        number = int(float(value.strip())) if "." in value else int(value.strip())
    if number is None or abs(number) > MAX_INT:
        raise BoardError(t("import.bad_integer", value=normal(value) or "∅"), kind="value")
    return number


def read_text(value: Any) -> str:
    text = normal(value)
    if len(text) > MAX_TEXT:
        raise BoardError(t("import.too_long", length=len(text), limit=MAX_TEXT), kind="value")
    return text


def read_code(value: Any, prefix: str) -> str:
    """An English code, or its word in any catalog (签约, 已完成, signed, done...)."""
    codes = CODE_LISTS[prefix]
    text = normal(value)
    if text in codes:
        return text
    if text in LEGACY_WORDS.get(prefix, {}):
        return LEGACY_WORDS[prefix][text]
    folded = text.casefold()
    for code in codes:
        if any(
            folded == catalog.get(f"{prefix}.{code}", "\0").casefold()
            for catalog in CATALOGS.values()
        ):
            return code
    choices = " / ".join(code_word(prefix, c) for c in codes)
    raise BoardError(t("err.bad_code", value=text or "∅", choices=choices), kind="value")


def read_money(value: Any) -> float | None:
    if isinstance(value, bool):
        raise BoardError(t("err.bad_money", value=normal(value)), kind="value")
    money = check_money(value if isinstance(value, int | float) else normal(value))
    if money is not None and not math.isfinite(money):
        raise BoardError(t("err.bad_money", value=normal(value)), kind="value")
    return money


def read_progress(value: Any) -> int:
    if isinstance(value, bool):
        raise BoardError(t("err.bad_progress", value=normal(value)), kind="value")
    return check_progress(value if isinstance(value, int | float) else normal(value))
