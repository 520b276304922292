"""The mapping file an office keeps for its ledger: `--map FILE.toml` read, `--suggest-map` written.

```toml
kind = "projects"            # projects 重点项目台账 / pledges 表态事项清单
# sheet = "7月"              # which sheet (else found by its content)
# header_rows = "3-4"        # which rows are the header (else found)
unit = "万元"                # amounts without a unit in their header
# year = 2023                # the year of dates written without one
[columns]
"项目名称" = "name"
"总投资（亿元）" = "total_investment"
"2023年投资情况/1-*月完成投资" = "year_done_investment"   # * matches anything
"建设内容及规模" = ""                                     # not imported
"联系电话" = { field = "responsible" }
"金额" = { field = "total_investment", unit = "亿元" }
```

A key is a ledger header as the preview shows it (parts of a multi-row header joined by "/");
spaces, line breaks and bracket widths do not matter. A field is board's field name or its
Chinese label (项目名称, 总投资…). Columns the file does not name keep the dictionary's mapping.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from board.errors import BoardError
from board.exchange.ledger.headers import (
    KINDS,
    MONEY_FACTORS,
    Kind,
    field_keys,
    header_text,
)
from board.i18n import CATALOGS, t

SKIP_WORDS = frozenset({"", "-", "ignore", "skip", "none", "不导入", "忽略", "无"})
UNITS = (*MONEY_FACTORS, "%")


@dataclass(frozen=True)
class Rule:
    """One [columns] entry: the header it matches, the field it feeds (None: not imported)."""

    key: str
    pattern: re.Pattern[str]
    field: str | None
    unit: str | None = None


@dataclass(frozen=True)
class MapFile:
    path: Path
    kind: Kind | None = None
    sheet: str | None = None
    header_rows: tuple[int, int] | None = None  # 1-based, inclusive
    unit: str | None = None
    year: int | None = None
    rules: tuple[Rule, ...] = ()

    def lookup(self, header: str) -> Rule | None:
        key = header_text(header)
        return next((r for r in self.rules if r.pattern.fullmatch(key)), None)


def bad(path: Path, detail: str) -> BoardError:
    return BoardError(t("ledger.map_bad", path=path, detail=detail), kind="value")


def key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in header_text(key).split("*")))


def field_name(value: str, path: Path) -> str | None:
    """A field key from its name or its label in any language; None for "not imported"."""
    text = value.strip()
    if text.casefold() in SKIP_WORDS:
        return None
    every = {k for kind in KINDS for k in field_keys(kind)}
    if text in every:
        return text
    for catalog in CATALOGS.values():
        for key in every:
            if catalog.get(f"ledger.field.{key}", "\0").casefold() == text.casefold():
                return key
    choices = "、".join(sorted(every))
    raise bad(path, t("ledger.map_field", value=text, choices=choices))


def read_rows(value: Any, path: Path) -> tuple[int, int]:
    text = str(value).strip()
    match = re.fullmatch(r"(\d+)\s*(?:[-–—~～]\s*(\d+))?", text)
    if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
        return min(value), max(value)
    if isinstance(value, int):
        return value, value
    if match is None or int(match[1]) < 1:
        raise bad(path, t("ledger.map_rows", value=text))
    first, last = int(match[1]), int(match[2] or match[1])
    return min(first, last), max(first, last)


def load_map(path: Path) -> MapFile:
    """Read a mapping file; anything wrong in it is one line naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BoardError(t("err.file_missing", path=path), kind="missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BoardError(t("err.io", path=path, detail=exc), kind="io") from exc
    except tomllib.TOMLDecodeError as exc:
        raise bad(path, str(exc)) from exc
    kind = data.get("kind")
    if kind is not None and kind not in KINDS:
        raise bad(path, t("ledger.map_kind", value=kind))
    unit = data.get("unit")
    if unit is not None and unit not in UNITS:
        raise bad(path, t("ledger.map_unit", value=unit, choices=" / ".join(UNITS)))
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
        raise bad(path, t("ledger.map_year", value=year))
    rules = []
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise bad(path, t("ledger.map_columns"))
    for key, value in columns.items():
        column_unit = None
        if isinstance(value, dict):
            column_unit = value.get("unit")
            if column_unit is not None and column_unit not in UNITS:
                raise bad(path, t("ledger.map_unit", value=column_unit, choices=" / ".join(UNITS)))
            value = value.get("field", "")
        if not isinstance(value, str):
            raise bad(path, t("ledger.map_field", value=value, choices="…"))
        rules.append(Rule(str(key), key_pattern(str(key)), field_name(value, path), column_unit))
    rows = data.get("header_rows")
    return MapFile(
        path,
        kind,
        str(data["sheet"]) if data.get("sheet") is not None else None,
        read_rows(rows, path) if rows is not None else None,
        unit,
        year,
        tuple(rules),
    )


def toml_key(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def general(header: str) -> str:
    """A header as next month's ledger will write it: 1-8月 → 1-*月 (the month moves on)."""
    return re.sub(r"(1\s*[-—–~～至到]\s*)\d{1,2}(\s*月)", r"\1*\2", header)


def suggest(
    *,
    path: Path,
    kind: Kind,
    sheet: str,
    rows: tuple[int, int],
    unit: str | None,
    year: int,
    columns: Iterable[tuple[str, str | None, str | None]],
) -> str:
    """The mapping guessed for a ledger, as a file an office edits once and reuses monthly."""
    lines = [
        t("ledger.suggest.head", path=path.name, sheet=sheet, first=rows[0], last=rows[1]),
        t("ledger.suggest.use", path=path.name),
        t("ledger.suggest.how"),
        f"kind = {toml_key(kind)}",
        f"# sheet = {toml_key(sheet)}",
        f'# header_rows = "{rows[0]}-{rows[1]}"',
        f"unit = {toml_key(unit or '万元')}",
        f"# year = {year}",
        "",
        "[columns]",
    ]
    every = "、".join(f"{k} {t(f'ledger.field.{k}')}" for k in field_keys(kind))
    for header, field, column_unit in columns:
        value = toml_key(field or "")
        if column_unit and column_unit != "%":
            value = f"{{ field = {toml_key(field or '')}, unit = {toml_key(column_unit)} }}"
        label = t(f"ledger.field.{field}") if field else t("ledger.not_imported")
        lines.append(f"{toml_key(general(header))} = {value}  # {label}")
    lines += ["", t("ledger.suggest.fields", fields=every)]
    return "\n".join(lines) + "\n"
