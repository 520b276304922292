"""Import: a file checked whole, then written in one transaction, or not at all.

Import is all or nothing: every row of every sheet is checked first, inside the same write
transaction that would apply it (so the check sees exactly the data it writes against). One bad
cell refuses the whole file with a list of problems (sheet, row, column, reason); otherwise all
sheets are upserted through `board.store.writer` in one transaction. A cell that still shows
what export wrote for its row counts as unchanged without being re-checked, so exporting and
importing the same file changes nothing, even for rows holding values outside the contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert

from board.errors import BoardError
from board.exchange.files import RawSheet, read_input
from board.exchange.planner import Pending, Planner, Problem, RowPlan
from board.exchange.sheets import APPLY_ORDER, DEPARTMENTS, PROJECTS, SHEETS, TABLES
from board.i18n import t
from board.store import writer as w
from board.store.location import Where


class ImportRefused(BoardError):
    """The file had bad rows: nothing was written. `problems` lists every one."""

    def __init__(self, problems: Sequence[Problem], path: Path) -> None:
        super().__init__(
            "\n".join(
                [p.line() for p in problems] + [t("import.refused", count=len(problems), path=path)]
            ),
            kind="value",
        )
        self.problems = tuple(problems)
        self.path = path


@dataclass(frozen=True)
class SheetResult:
    sheet: str
    added: int
    updated: int
    unchanged: int
    ignored: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ignored_columns": list(self.ignored),
        }


@dataclass(frozen=True)
class ImportResult:
    sheets: tuple[SheetResult, ...]
    dry_run: bool

    @property
    def changed(self) -> int:
        return sum(s.added + s.updated for s in self.sheets)


def plan_import(
    conn: Connection, raws: Sequence[RawSheet], today: date, path: Path, rename: bool = False
) -> tuple[list[RowPlan], tuple[SheetResult, ...]]:
    """Check every row of every sheet; refuse the file (ImportRefused) if any is bad."""
    planner = Planner(conn, today, rename)
    by_sheet = {raw.sheet.name: raw for raw in raws}
    plans: dict[str, list[RowPlan]] = {}
    ignored: dict[str, tuple[str, ...]] = {}
    for sheet in APPLY_ORDER:
        raw = by_sheet.get(sheet.name) or RawSheet(sheet, [], [])
        plans[sheet.name], ignored[sheet.name] = planner.plan_sheet(raw)
        if sheet is DEPARTMENTS:
            planner.unique(plans[sheet.name], sheet, "name", "import.duplicate_name")
        elif sheet is PROJECTS:
            planner.unique(plans[sheet.name], sheet, "code", "import.duplicate_code")
    if planner.problems:
        order = {raw.sheet.name: i for i, raw in enumerate(raws)}
        columns = {s.name: [c.header for c in s.columns] for s in SHEETS}

        def position(p: Problem) -> tuple[int, int, int]:
            headers = columns[p.sheet]
            return (
                order.get(p.sheet, 0),
                p.row,
                headers.index(p.column) if p.column in headers else -1,
            )

        raise ImportRefused(sorted(planner.problems, key=position), path)
    results = tuple(
        SheetResult(
            raw.sheet.name,
            sum(1 for p in plans[raw.sheet.name] if p.action == "added"),
            sum(1 for p in plans[raw.sheet.name] if p.action == "updated"),
            sum(1 for p in plans[raw.sheet.name] if p.action == "unchanged"),
            ignored[raw.sheet.name],
        )
        for raw in raws
    )
    return [p for sheet in APPLY_ORDER for p in plans[sheet.name]], results


def resolved(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Pending):
            assert value.id is not None, "a pending row is inserted before it is referenced"
            value = value.id
        out[key] = value
    return out


def apply_plans(conn: Connection, plans: Iterable[RowPlan]) -> None:
    """Write the planned rows, dependencies first (APPLY_ORDER), through the write layer."""
    for plan in plans:
        table = TABLES[plan.sheet.table]
        values = resolved(plan.values)
        if plan.action == "added":
            result = conn.execute(insert(table).values(**values))
            assert plan.pending is not None
            plan.pending.id = int(result.inserted_primary_key[0])  # type: ignore[index]
        elif plan.action == "updated":
            assert plan.row_id is not None
            w.guarded_update(conn, table, plan.sheet.what, plan.row_id, values, None)


def import_file(
    db: Where,
    source: Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    today: date,
    rename: bool = False,
) -> ImportResult:
    """Check `source` whole, then upsert it into `db` in one transaction (or only count); a
    row that would rename its stored row is refused unless `rename`."""
    raws = read_input(source, sheet)

    def work(conn: Connection) -> tuple[SheetResult, ...]:
        plans, results = plan_import(conn, raws, today, source, rename)
        if not dry_run:
            apply_plans(conn, plans)
        return results

    with w.Writer(db) as writer:
        results = writer.run(work)
    return ImportResult(results, dry_run)
