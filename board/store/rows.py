"""Reading one row of the shared file carefully: every field checked against the contract.

A value that is not what the contract says (a date that is not a date, an unknown code, text
in a number column) becomes a default plus the field's name in the row's `problems`, never an
exception, so the board shows the row as bad rather than drop it. Slower than the fast path
(`board.store.fast_rows`), which hands every row it does not expect to these readers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from board.domain import codes
from board.domain import snapshot as s

# 万元: no amount on the board comes near this; beyond it (or not finite) is a bad value, and
# the sums the board draws stay finite however many rows there are.
MAX_AMOUNT = 1e12
T = TypeVar("T")


@lru_cache(maxsize=4096)
def parse_date(raw: str) -> date | None:
    """An ISO date from the file, or None when it is not one."""
    try:
        return date.fromisoformat(raw.strip()[:10])
    except (ValueError, AttributeError):
        return None


class RowReader:
    """Reads typed fields from one row, collecting the names of fields that were bad."""

    __slots__ = ("problems", "values")

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.values = row
        self.problems: list[str] = []

    def text(self, name: str, default: str = "") -> str:
        value = self.values[name]
        if value is None:
            return default
        return value if isinstance(value, str) else str(value)

    def opt_text(self, name: str) -> str | None:
        value = self.values[name]
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def date(self, name: str) -> date | None:
        value = self.values[name]
        if value is None or value == "":
            return None
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            self.problems.append(name)
        return parsed

    def integer(
        self, name: str, default: int = 0, lo: int | None = None, hi: int | None = None
    ) -> int:
        value = self.values[name]
        if value is None:
            return default
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):  # OverflowError: 9e999 is infinity
            self.problems.append(name)
            return default
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            self.problems.append(name)
            return max(
                lo if lo is not None else number, min(hi if hi is not None else number, number)
            )
        return number

    def opt_int(self, name: str) -> int | None:
        value = self.values[name]
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError, OverflowError):
            self.problems.append(name)
            return None

    def number(self, name: str) -> float | None:
        value = self.values[name]
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.problems.append(name)
            return None
        if not abs(number) <= MAX_AMOUNT:  # infinity (SQLite stores 9e999), or absurdly large
            self.problems.append(name)
            return None
        return number

    def code(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.values[name]
        if value in allowed:
            return str(value)
        self.problems.append(name)
        return default


def read_departments(row: Mapping[str, Any]) -> s.Department:
    r = RowReader(row)
    return s.Department(
        id=row["id"],
        name=r.text("name"),
        short_name=r.opt_text("short_name"),
        kind=r.text("kind", "bureau"),
        sort_order=r.integer("sort_order"),
        version=r.integer("version", 1),
        problems=tuple(r.problems),
    )


def read_project(row: Mapping[str, Any]) -> s.Project:
    r = RowReader(row)
    return s.Project(
        id=row["id"],
        code=r.text("code"),
        name=r.text("name"),
        category=r.code("category", codes.CATEGORIES, "investment"),
        stage=r.code("stage", codes.STAGES, "signed"),
        progress=r.integer("progress", 0, 0, 100),
        progress_note=r.opt_text("progress_note"),
        lead_department_id=r.opt_int("lead_department_id"),
        responsible=r.opt_text("responsible"),
        leader=r.opt_text("leader"),
        owner=r.opt_text("owner"),
        location=r.opt_text("location"),
        total_investment=r.number("total_investment"),
        year_plan_investment=r.number("year_plan_investment"),
        year_done_investment=r.number("year_done_investment"),
        signed_on=r.date("signed_on"),
        landed_on=r.date("landed_on"),
        started_on=r.date("started_on"),
        completed_on=r.date("completed_on"),
        producing_on=r.date("producing_on"),
        planned_start_on=r.date("planned_start_on"),
        planned_complete_on=r.date("planned_complete_on"),
        updated_at=r.opt_text("updated_at"),
        version=r.integer("version", 1),
        problems=tuple(r.problems),
    )


def read_pledge(row: Mapping[str, Any]) -> s.Pledge:
    r = RowReader(row)
    return s.Pledge(
        id=row["id"],
        department_id=r.integer("department_id"),
        project_id=r.opt_int("project_id"),
        meeting_id=r.opt_int("meeting_id"),
        content=r.text("content"),
        due_on=r.date("due_on"),
        status=r.code("status", codes.PLEDGE_STATUSES, "open"),
        done_on=r.date("done_on"),
        note=r.opt_text("note"),
        updated_at=r.opt_text("updated_at"),
        version=r.integer("version", 1),
        problems=tuple(r.problems),
    )


def read_blocker(row: Mapping[str, Any]) -> s.Blocker:
    r = RowReader(row)
    return s.Blocker(
        id=row["id"],
        project_id=r.opt_int("project_id"),
        department_id=r.opt_int("department_id"),
        category=r.code("category", codes.BLOCKER_CATEGORIES, "other"),
        description=r.text("description"),
        opened_on=r.date("opened_on"),
        due_on=r.date("due_on"),
        resolved_on=r.date("resolved_on"),
        note=r.opt_text("note"),
        version=r.integer("version", 1),
        problems=tuple(r.problems),
    )


def read_milestone(row: Mapping[str, Any]) -> s.Milestone:
    r = RowReader(row)
    return s.Milestone(
        id=row["id"],
        project_id=r.integer("project_id"),
        name=r.text("name"),
        due_on=r.date("due_on"),
        department_id=r.opt_int("department_id"),
        done_on=r.date("done_on"),
        note=r.opt_text("note"),
        sort_order=r.integer("sort_order"),
        version=r.integer("version", 1),
        problems=tuple(r.problems),
    )


def read_meeting(row: Mapping[str, Any]) -> s.Meeting:
    r = RowReader(row)
    return s.Meeting(id=row["id"], held_on=r.date("held_on"), title=r.text("title"))


def read_change(row: Mapping[str, Any]) -> s.ChangeEntry:
    r = RowReader(row)
    return s.ChangeEntry(
        id=row["id"],
        at=r.text("at"),
        table_name=r.text("table_name"),
        row_id=r.integer("row_id"),
        action=r.text("action"),
        column_name=r.opt_text("column_name"),
        old_value=r.opt_text("old_value"),
        new_value=r.opt_text("new_value"),
    )


def read_all(
    conn: Connection, table: Any, reader: Callable[[Mapping[str, Any]], T], *order: Any
) -> tuple[T, ...]:
    """Every row of `table` through `reader`; rows come as plain dicts (the fastest to read
    by name, and a Row's mapping view is rebuilt on every access)."""
    result = conn.execute(select(table).order_by(*order))
    keys = tuple(result.keys())
    return tuple(reader(dict(zip(keys, values, strict=True))) for values in result)


def read_goal(sprint_id: int, row: Mapping[str, Any]) -> s.SprintGoal:
    gr = RowReader(row)
    target_stage = row["target_stage"] if row["target_stage"] in codes.STAGES else None
    return s.SprintGoal(
        sprint_id=sprint_id,
        project_id=gr.integer("project_id"),
        target_stage=target_stage,
        target_progress=gr.opt_int("target_progress"),
        target_investment=gr.number("target_investment"),
        baseline_progress=gr.integer("baseline_progress", 0, 0, 100),
        target_note=gr.opt_text("target_note"),
    )
