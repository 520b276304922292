"""The fast path of a full read: plain tuples from the DB-API cursor, checked inline.

A full read at 10,000 projects is 60,000 rows; through `RowReader` (a dict and a method call
per field) that is most of a second, the larger part of the board's start. Almost every row is
exactly what the contract says, so each big table has a reader over plain tuples that checks
every field's type and range inline and gives up (`Unusual`) at the first surprise; that row
then goes through the careful reader (`board.store.rows`), which says what was wrong. Both
give the same row (tests/unit/test_fuzz.py compares them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError

from board.domain import codes
from board.domain import snapshot as s
from board.store.construct import slot_maker
from board.store.rows import MAX_AMOUNT, parse_date

T = TypeVar("T")


make_project = slot_maker(s.Project)
make_pledge = slot_maker(s.Pledge)
make_blocker = slot_maker(s.Blocker)
make_goal = slot_maker(s.SprintGoal)


class Unusual(Exception):
    """A value the fast path does not handle: read this row the careful way."""


def _opt_text(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    raise Unusual


def _opt_int(value: Any) -> int | None:
    if value is None or type(value) is int:
        return value
    raise Unusual


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if type(value) is str:
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
    raise Unusual


def _amount(value: Any) -> float | None:
    if value is None:
        return None
    if (type(value) is float or type(value) is int) and abs(value) <= MAX_AMOUNT:
        return float(value)
    raise Unusual


# The code lists as sets, for the fast path's membership tests.
PROJECT_CATEGORIES = frozenset(codes.CATEGORIES)
STAGES = frozenset(codes.STAGES)
PLEDGE_STATUSES = frozenset(codes.PLEDGE_STATUSES)
BLOCKER_CATEGORIES = frozenset(codes.BLOCKER_CATEGORIES)

PROJECT_FIELDS = (
    "id", "code", "name", "category", "stage", "progress", "progress_note",
    "lead_department_id", "responsible", "leader", "owner", "location", "total_investment",
    "year_plan_investment", "year_done_investment", "signed_on", "landed_on", "started_on",
    "completed_on", "producing_on", "planned_start_on", "planned_complete_on", "updated_at",
    "version",
)  # fmt: skip


def fast_project(v: tuple[Any, ...]) -> s.Project:
    (ident, code, name, category, stage, progress, note, lead, responsible, leader, owner,
     location, total, plan, done, signed, landed, started, completed, producing, planned_start,
     planned_complete, updated, version) = v  # fmt: skip
    if not (
        type(code) is str
        and type(name) is str
        and category in PROJECT_CATEGORIES
        and stage in STAGES
        and type(progress) is int
        and 0 <= progress <= 100
        and type(version) is int
    ):
        raise Unusual
    return make_project(
        id=ident, code=code, name=name, category=category, stage=stage, progress=progress,
        progress_note=_opt_text(note), lead_department_id=_opt_int(lead),
        responsible=_opt_text(responsible), leader=_opt_text(leader), owner=_opt_text(owner),
        location=_opt_text(location), total_investment=_amount(total),
        year_plan_investment=_amount(plan), year_done_investment=_amount(done),
        signed_on=_date(signed), landed_on=_date(landed), started_on=_date(started),
        completed_on=_date(completed), producing_on=_date(producing),
        planned_start_on=_date(planned_start), planned_complete_on=_date(planned_complete),
        updated_at=_opt_text(updated), version=version,
    )  # fmt: skip


PLEDGE_FIELDS = (
    "id", "department_id", "project_id", "meeting_id", "content", "due_on", "status",
    "done_on", "note", "updated_at", "version",
)  # fmt: skip


def fast_pledge(v: tuple[Any, ...]) -> s.Pledge:
    ident, dept, project, meeting, content, due, status, done, note, updated, version = v
    if not (
        type(dept) is int
        and type(content) is str
        and status in PLEDGE_STATUSES
        and type(version) is int
    ):
        raise Unusual
    return make_pledge(
        id=ident, department_id=dept, project_id=_opt_int(project), meeting_id=_opt_int(meeting),
        content=content, due_on=_date(due), status=status, done_on=_date(done),
        note=_opt_text(note), updated_at=_opt_text(updated), version=version,
    )  # fmt: skip


BLOCKER_FIELDS = (
    "id", "project_id", "department_id", "category", "description", "opened_on", "due_on",
    "resolved_on", "note", "version",
)  # fmt: skip


def fast_blocker(v: tuple[Any, ...]) -> s.Blocker:
    ident, project, dept, category, description, opened, due, resolved, note, version = v
    if not (category in BLOCKER_CATEGORIES and type(description) is str and type(version) is int):
        raise Unusual
    return make_blocker(
        id=ident, project_id=_opt_int(project), department_id=_opt_int(dept), category=category,
        description=description, opened_on=_date(opened), due_on=_date(due),
        resolved_on=_date(resolved), note=_opt_text(note), version=version,
    )  # fmt: skip


def raw_rows(conn: Connection, stmt: Any) -> list[tuple[Any, ...]]:
    """All rows of a Core `stmt` as plain tuples, fetched by the DB-API cursor of `conn` (in
    its transaction): SQLAlchemy's per-row fetching is a third of a full read at 10,000
    projects. Text is decoded by SQLite's own UTF-8 decoder; a value that is not UTF-8 (which it
    refuses) sends the whole query through `decode_text`, which is slower but never fails.
    (PostgreSQL's text is UTF-8 by the server's own check: there psycopg's own cursor.)"""
    if conn.dialect.name != "sqlite":
        return server_rows(conn, stmt)
    compiled = stmt.compile(dialect=conn.dialect)
    sql, params = str(compiled), [compiled.params[k] for k in compiled.positiontup or ()]
    raw = conn.connection.dbapi_connection
    assert raw is not None
    tolerant = raw.text_factory
    cursor = raw.cursor()
    try:
        raw.text_factory = str
        try:
            rows: list[tuple[Any, ...]] = cursor.execute(sql, params).fetchall()
            return rows
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise
        raw.text_factory = tolerant
        rows = cursor.execute(sql, params).fetchall()
        return rows
    except sqlite3.Error as exc:
        # As SQLAlchemy would have raised it, so the callers' handling (explain()) applies.
        raise DBAPIError.instance(sql, params, exc, sqlite3.Error) from exc
    finally:
        raw.text_factory = tolerant
        cursor.close()


def server_rows(conn: Connection, stmt: Any) -> list[tuple[Any, ...]]:
    """`raw_rows` on PostgreSQL: psycopg's cursor fetches tuples in one call (SQLAlchemy's
    row by row fetching was half of a full read at 10,000 projects)."""
    import psycopg  # only ever here with a server database: the driver is there

    compiled = stmt.compile(dialect=conn.dialect)
    raw = conn.connection.dbapi_connection
    assert raw is not None
    sql, params = str(compiled), dict(compiled.params)
    cursor = raw.cursor()
    try:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = list(cursor.fetchall())
        return rows
    except psycopg.Error as exc:  # as SQLAlchemy would have raised it, for explain()
        raise DBAPIError.instance(sql, params, exc, psycopg.Error) from exc
    finally:
        cursor.close()


def read_fast(
    conn: Connection,
    table: Any,
    fields: tuple[str, ...],
    fast: Callable[[tuple[Any, ...]], T],
    careful: Callable[[Mapping[str, Any]], T],
) -> tuple[T, ...]:
    """Every row of `table` by id: `fast` on plain tuples, `careful` for the rows it refuses."""
    stmt = select(*(table.c[name] for name in fields)).order_by(table.c.id)
    rows: list[T] = []
    append = rows.append
    for values in raw_rows(conn, stmt):
        try:
            append(fast(values))
        except Unusual:
            append(careful(dict(zip(fields, values, strict=True))))
    return tuple(rows)


GOAL_FIELDS = (
    "project_id", "target_stage", "target_progress", "target_investment", "baseline_progress",
    "target_note",
)  # fmt: skip


def fast_goal(sprint_id: int, v: tuple[Any, ...]) -> s.SprintGoal:
    project, stage, progress, investment, baseline, note = v
    if type(project) is not int:
        raise Unusual
    if baseline is None:
        baseline = 0
    elif type(baseline) is not int or not 0 <= baseline <= 100:
        raise Unusual
    return make_goal(
        sprint_id=sprint_id,
        project_id=project,
        target_stage=stage if stage in STAGES else None,
        target_progress=_opt_int(progress),
        target_investment=_amount(investment),
        baseline_progress=baseline,
        target_note=_opt_text(note),
    )
