"""What the user reads: the preview of a ledger import, its refusal, and the JSON for scripts.

The preview (printed by --dry-run and at the start of a real run) says where the table was
found, each column's mapping (ledger header → board field, or why it is not imported), the
counts, every skipped row with its reason, every date chosen from words, the notes (units not
stored, categories guessed, stages kept, marks) and the first rows as board will store them.
A refusal starts with a one-line summary and lists at most LIMIT problems, then "+N 处".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from board.errors import BoardError
from board.exchange.ledger.find import Column, Table
from board.exchange.ledger.headers import field_of, money_factor
from board.exchange.ledger.plan import Problem, Report
from board.exchange.ledger.rows import Skipped
from board.i18n import t

LIMIT = 20


class LedgerRefused(BoardError):
    """The ledger had bad rows or unknown units: nothing was written."""

    def __init__(self, problems: Sequence[Problem], path: Path) -> None:
        self.problems = tuple(problems)
        self.path = path
        super().__init__("\n".join(refusal(self.problems, path, everything=True)), kind="value")


@dataclass(frozen=True)
class LedgerResult:
    path: Path
    reports: tuple[Report, ...]
    dry_run: bool

    @property
    def changed(self) -> int:
        return sum(
            r.counts[name][0] + r.counts[name][1] for r in self.reports for name in r.counts
        )


def limited(lines: list[str], everything: bool) -> list[str]:
    if everything or len(lines) <= LIMIT:
        return lines
    return [*lines[:LIMIT], t("ledger.more", count=len(lines) - LIMIT)]


def refusal(problems: Sequence[Problem], path: Path, *, everything: bool = False) -> list[str]:
    """Summary first (units nobody knows named in it), then the problems, then "+N 处"."""
    units = [p for p in problems if p.unit is not None]
    if units and len(units) == len(problems):
        names = "、".join(str(p.unit) for p in units[:10]) + ("…" if len(units) > 10 else "")
        summary = t("ledger.refused_units", count=len(units), names=names, path=path)
    else:
        summary = t("ledger.refused", count=len(problems), path=path)
    lines = [summary, *limited([p.line() for p in problems], everything)]
    if len(problems) > len(units):
        lines.append(t("ledger.refused_hint", path=path))
    return lines


def column_line(table: Table, column: Column) -> str:
    spec = field_of(column.field, table.kind) if column.field else None
    if column.same_as is not None:
        target = t("ledger.same_as", other=column.same_as)
    elif column.field is None or spec is None:
        target = t("ledger.unknown_column")
    elif column.field == "seq":
        target = t("ledger.field.seq")
    elif column.field == "computed":
        target = t("ledger.computed")
    elif not spec.stored:
        target = t("ledger.not_stored")
    else:
        target = t(f"ledger.field.{column.field}")
        factor = money_factor(column.unit, table.context.unit) if spec.money else 1.0
        if factor != 1.0:
            unit = column.unit or table.context.unit
            target += t("ledger.converted", unit=unit, factor=f"{factor:g}")
    if column.by_map:
        target += t("ledger.by_map")
    return t("ledger.mapping_line", header=column.header, field=target)


def ranges(skipped: Iterable[Skipped]) -> list[tuple[int, int, Skipped]]:
    """Consecutive rows skipped for the same reason (blank, footer, 合计) as one range."""
    out: list[tuple[int, int, Skipped]] = []
    for item in skipped:
        if out and out[-1][2].reason == item.reason and out[-1][1] == item.number - 1 and (
            item.reason in ("blank", "footer")
        ):
            first, _last, head = out[-1]
            out[-1] = (first, item.number, head)
        else:
            out.append((item.number, item.number, item))
    return out


def skipped_line(first: int, last: int, item: Skipped, kind: str = "projects") -> str:
    rows = str(first) if first == last else f"{first}–{last}"
    reason = t(f"ledger.skip.{item.reason}", text=item.text)
    sets = [t(f"category.{item.category}")] if item.category and kind == "projects" else []
    sets += [t(f"stage.{item.stage}")] if item.stage and kind == "projects" else []
    if sets:
        reason += t("ledger.skip.sets", words="、".join(sets))
    return t("ledger.skipped_line", rows=rows, reason=reason)


def amount(value: Any) -> str:
    return f"{value:,.4f}".rstrip("0").rstrip(".") if isinstance(value, int | float) else "—"


def describe(table: Table, values: dict[str, Any], unit_name: Callable[[Any], str]) -> str:
    """A row as board will store it, in one line."""
    if table.kind == "pledges":
        parts = [
            unit_name(values.get("department_id")),
            str(values.get("content", ""))[:40],
            t("ledger.row.due", date=values.get("due_on") or "—"),
            t(f"status.{values.get('status', 'open')}"),
        ]
        if values.get("done_on"):
            parts.append(t("ledger.row.done", date=values["done_on"]))
        if values.get("note"):
            parts.append(t("ledger.row.note", note=str(values["note"])[:40]))
        return "｜".join(parts)
    parts = [
        f"{values.get('code', '')} {values.get('name', '')}",
        t(f"category.{values.get('category')}") if values.get("category") else "—",
        t(f"stage.{values.get('stage', 'signed')}"),
        f"{values.get('progress', 0)}%",
        t(
            "ledger.row.money",
            total=amount(values.get("total_investment")),
            plan=amount(values.get("year_plan_investment")),
            done=amount(values.get("year_done_investment")),
        ),
        unit_name(values.get("lead_department_id")),
        t(
            "ledger.row.dates",
            start=values.get("planned_start_on") or "—",
            end=values.get("planned_complete_on") or "—",
        ),
    ]
    return "｜".join(parts)


def preview(report: Report, *, everything: bool = False) -> list[str]:
    table, context = report.table, report.table.context
    money = table.kind == "projects"
    data = report.rows.data
    lines = [
        t("ledger.found", path=table.grid.name, kind=t(f"ledger.kind.{table.kind}")),
        t(
            "ledger.context",
            title=context.title or "—",
            year=context.year,
            source=t(f"ledger.year_from.{context.year_from}"),
        )
        + (t("ledger.context_unit", unit=context.unit or "万元") if money else ""),
        t(
            "ledger.rows",
            header=table.rows,
            data=f"{data[0].number}–{data[-1].number}" if data else "—",
            count=len(data),
        ),
        t("ledger.mapping"),
        *(column_line(table, c) for c in table.columns),
    ]
    counts = report.counts
    lines.append(t(
        f"ledger.counts.{table.kind}",
        added=counts[table.kind][0], updated=counts[table.kind][1],
        unchanged=counts[table.kind][2], blockers=counts["blockers"][0],
        blockers_kept=counts["blockers"][2], units=counts["departments"][0],
        milestones=counts["milestones"][0], milestones_kept=counts["milestones"][2],
    ))  # fmt: skip
    if report.rows.skipped:
        lines.append(t("ledger.skipped", count=len(report.rows.skipped)))
        skipped = sorted(report.rows.skipped, key=lambda s: s.number)
        lines += limited(
            [skipped_line(*r, kind=table.kind) for r in ranges(skipped)], everything
        )
    if report.dates:
        lines.append(t("ledger.dates", count=len(report.dates)))
        lines += limited(
            [t("ledger.date_line", row=r, column=c, text=x, date=d) for r, c, x, d in report.dates],
            everything,
        )
    notes = list(report.notes)
    for header, rows in report.blank_dates.items():
        listed = "、".join(str(r) for r in rows[:10]) + ("…" if len(rows) > 10 else "")
        notes.append(t("ledger.note.blank_dates", column=header, rows=listed))
    for mark, count in report.marks.items():
        notes.append(t("ledger.note.marks", mark=mark, count=count))
    notes += [t("ledger.note.legend", text=line) for line in report.rows.legend]
    if notes:
        lines.append(t("ledger.notes"))
        lines += limited([f"  {n}" for n in notes], everything)
    if report.first:
        lines.append(t("ledger.first", count=len(report.first)))
        for number, action, values in report.first:
            lines.append(t("ledger.first_line", row=number, action=t(f"ledger.action.{action}"),
                           text=describe(table, values, report.unit_name)))  # fmt: skip
    return lines


def as_json(result: LedgerResult) -> dict[str, Any]:
    tables = []
    for report in result.reports:
        table = report.table
        tables.append({
            "sheet": table.grid.name,
            "kind": table.kind,
            "header_rows": [table.top + 1, table.bottom + 1],
            "year": table.context.year,
            "columns": [
                {"header": c.header, "field": None if c.same_as else c.field, "unit": c.unit}
                for c in table.columns
            ],
            "counts": {k: dict(zip(("added", "updated", "unchanged"), v, strict=True))
                       for k, v in report.counts.items()},
            "skipped": [{"row": s.number, "reason": s.reason, "text": s.text}
                        for s in report.rows.skipped],
            "dates": [{"row": r, "column": c, "text": x, "date": d} for r, c, x, d in report.dates],
            "notes": report.notes,
        })  # fmt: skip
    return {"file": str(result.path), "dry_run": result.dry_run, "ledger": tables}
