"""Read the whole board into a `Snapshot` with SQLAlchemy Core (rows, not ORM entities).

Core rows load several times faster than ORM objects, and a snapshot is read-only anyway.
Values are checked against the contract here, once: a bad date or code becomes `None` plus a
note in the row's `problems`, never an exception.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any, TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError

from board.domain import codes
from board.domain import snapshot as s
from board.store import models as m
from board.store.construct import slot_maker

RECENT_CHANGES = 300
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


# The fast path of a full read --------------------------------------------------------------
#
# A full read at 10,000 projects is 60,000 rows; through `RowReader` (a dict and a method call
# per field) that is most of a second, the larger part of the board's start. Almost every row is
# exactly what the contract says, so each big table has a reader over plain tuples that checks
# every field's type and range inline and gives up (`Unusual`) at the first surprise; that row
# then goes through the careful reader, which says what was wrong. Both give the same row.


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
    refuses) sends the whole query through `decode_text`, which is slower but never fails."""
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


def read_meta(conn: Connection) -> s.Meta:
    """Zone name, countdown dates and schema version from `board_meta`."""
    meta = m.BoardMeta.__table__
    values = {k: v for k, v in conn.execute(select(meta.c.key, meta.c.value))}

    def as_date(key: str) -> date | None:
        raw = values.get(key)
        return parse_date(raw) if isinstance(raw, str) else None

    try:
        version = int(values.get("schema_version") or 0)
    except ValueError:
        version = 0
    return s.Meta(
        zone_name=str(values.get("zone_name") or ""),
        season_end=as_date("season_end"),
        year_end=as_date("year_end"),
        schema_version=version,
    )


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


def read_goal(sprint_id: int, row: Mapping[str, Any]) -> s.SprintGoal:
    gr = RowReader(row)
    target_stage = row["target_stage"] if row["target_stage"] in STAGES else None
    return s.SprintGoal(
        sprint_id=sprint_id,
        project_id=gr.integer("project_id"),
        target_stage=target_stage,
        target_progress=gr.opt_int("target_progress"),
        target_investment=gr.number("target_investment"),
        baseline_progress=gr.integer("baseline_progress", 0, 0, 100),
        target_note=gr.opt_text("target_note"),
    )


def read_current_sprint(conn: Connection) -> tuple[s.Sprint | None, dict[int, s.SprintGoal]]:
    """The sprint that ends last (the one in force) and its goals by project id."""
    sprints = m.Sprint.__table__
    row = conn.execute(
        select(sprints).order_by(sprints.c.ends_on.desc(), sprints.c.id.desc())
    ).first()
    if row is None:
        return None, {}
    r = RowReader(dict(row._mapping))
    starts, ends = r.date("starts_on"), r.date("ends_on")
    if starts is None or ends is None:
        return None, {}
    sprint = s.Sprint(id=row.id, name=r.text("name"), starts_on=starts, ends_on=ends)
    goals_t = m.SprintGoal.__table__
    goals: dict[int, s.SprintGoal] = {}
    fields = GOAL_FIELDS
    stmt = select(*(goals_t.c[name] for name in fields)).where(goals_t.c.sprint_id == sprint.id)
    for values in raw_rows(conn, stmt):
        try:
            goal = fast_goal(sprint.id, values)
        except Unusual:
            goal = read_goal(sprint.id, dict(zip(fields, values, strict=True)))
        goals[goal.project_id] = goal
    return sprint, goals


MEETING_CHANGES = 20000


def read_meeting_changes(
    conn: Connection, meetings: tuple[s.Meeting, ...]
) -> tuple[s.ChangeEntry, ...]:
    """change_log since the earlier of the last two meetings: enough for "since last meeting"
    whichever of them today's report compares against (the domain picks)."""
    dated = [mt.held_on for mt in meetings if mt.held_on is not None]
    if not dated:
        return ()
    since = min(dated[-2:]).isoformat()
    log = m.ChangeLog.__table__
    rows = conn.execute(
        select(log).where(log.c.at >= since).order_by(log.c.id).limit(MEETING_CHANGES)
    )
    return tuple(read_change(dict(row._mapping)) for row in rows)


def load_snapshot(conn: Connection, data_version: int = 0) -> s.Snapshot:
    """Read every table the board shows; call inside one read transaction."""
    sprint, goals = read_current_sprint(conn)
    log = m.ChangeLog.__table__
    changes = tuple(
        reversed(
            [
                read_change(dict(row._mapping))
                for row in conn.execute(select(log).order_by(log.c.id.desc()).limit(RECENT_CHANGES))
            ]
        )
    )
    meetings = read_all(
        conn,
        m.Meeting.__table__,
        read_meeting,
        m.Meeting.__table__.c.held_on,
        m.Meeting.__table__.c.id,
    )
    return s.Snapshot(
        meta=read_meta(conn),
        # Ordered by the parsed speaking order, as incremental loads order them (SQL would
        # order a sort_order that is not a number differently).
        departments=tuple(
            sorted(
                read_all(
                    conn, m.Department.__table__, read_departments, m.Department.__table__.c.id
                ),
                key=lambda d: (d.sort_order, d.id),
            )
        ),
        projects=read_fast(conn, m.Project.__table__, PROJECT_FIELDS, fast_project, read_project),
        pledges=read_fast(conn, m.Pledge.__table__, PLEDGE_FIELDS, fast_pledge, read_pledge),
        blockers=read_fast(conn, m.Blocker.__table__, BLOCKER_FIELDS, fast_blocker, read_blocker),
        meetings=meetings,
        meeting_changes=read_meeting_changes(conn, meetings),
        sprint=sprint,
        goals=MappingProxyType(goals),
        changes=changes,
        data_version=data_version,
        last_change_id=changes[-1].id if changes else 0,
    )
