"""Read the whole board into a `Snapshot` with SQLAlchemy Core (rows, not ORM entities).

Core rows load several times faster than ORM objects, and a snapshot is read-only anyway.
Values are checked against the contract once, on the way in: the big tables through the fast
path (`board.store.fast_rows`), anything unusual through the careful readers
(`board.store.rows`), so a bad date or code becomes `None` plus a note in the row's
`problems`, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select
from sqlalchemy.exc import OperationalError

from board.domain import snapshot as s
from board.domain.since import MARKED_TABLES, log_cutoff
from board.store import models as m
from board.store.fast_rows import (
    BLOCKER_FIELDS,
    GOAL_FIELDS,
    PLEDGE_FIELDS,
    PROJECT_FIELDS,
    Unusual,
    fast_blocker,
    fast_goal,
    fast_pledge,
    fast_project,
    raw_rows,
    read_fast,
)
from board.store.rows import (
    RowReader,
    parse_date,
    read_all,
    read_blocker,
    read_change,
    read_departments,
    read_goal,
    read_meeting,
    read_milestone,
    read_pledge,
    read_project,
)

RECENT_CHANGES = 300
MILESTONES = m.Milestone.__table__


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


LOG = m.ChangeLog.__table__
# The since-report reads the log from the last meetings on, by its time index: left to itself
# SQLite took the (table, row) index and read every row of a table ever logged (all of a
# 500,000-row log, and a damaged old page stopped the board from loading at all).
BY_TIME = "INDEXED BY ix_change_log_at"


def by_time(conn: Connection, query: Any) -> list[tuple[Any, ...]]:
    """Rows of a Core query on change_log, read through its time index (SQLAlchemy has no
    SQLite table hints: the hint goes into the compiled text). PostgreSQL plans for itself."""
    if conn.dialect.name != "sqlite":
        return [tuple(row) for row in conn.execute(query)]
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    sql = str(compiled).replace("FROM change_log", f"FROM change_log {BY_TIME}", 1)
    params = tuple(compiled.params[k] for k in compiled.positiontup or ())
    try:
        return [tuple(row) for row in conn.exec_driver_sql(sql, params)]
    except OperationalError as exc:
        if "no such index" not in str(exc.orig):
            raise
    # A file made by another tool without board's indexes: the same rows, read the slow way.
    return [tuple(row) for row in conn.exec_driver_sql(str(compiled), params)]


# The entries the since-report lists: `board.domain.since.is_reported`, in SQL (a test holds
# the two together).
REPORTED = or_(
    and_(LOG.c.table_name == "projects", LOG.c.action == "update", LOG.c.column_name == "stage"),
    and_(
        LOG.c.table_name == "pledges",
        or_(
            LOG.c.action == "insert",
            and_(
                LOG.c.action == "update",
                LOG.c.column_name == "status",
                LOG.c.new_value == "done",
            ),
        ),
    ),
    and_(
        LOG.c.table_name == "milestones",
        LOG.c.action == "update",
        LOG.c.column_name == "done_on",
        LOG.c.new_value.is_not(None),
        LOG.c.new_value != "",
    ),
    and_(
        LOG.c.table_name == "blockers",
        or_(
            LOG.c.action == "insert",
            and_(
                LOG.c.action == "update",
                LOG.c.column_name == "resolved_on",
                LOG.c.new_value.is_not(None),
                LOG.c.new_value != "",
            ),
        ),
    ),
)


def read_meeting_changes(
    conn: Connection, meetings: tuple[s.Meeting, ...]
) -> tuple[tuple[s.ChangeEntry, ...], Mapping[tuple[str, int], str]]:
    """What "since the last meeting" needs from change_log, since the earlier of the last two
    meetings (whichever of them today's report compares against; the domain picks): the
    entries it lists, and each changed row's latest change. Aggregated here, in SQL, so the
    answer is whole however long the log is; a cap on entries (20,000 once) made a board that
    loaded in full report differently from one that had loaded incrementally."""
    cutoff = log_cutoff(meetings)
    if cutoff is None:
        return (), MappingProxyType({})
    query = select(LOG).where(LOG.c.at >= cutoff, REPORTED).order_by(LOG.c.id)
    names = [c.name for c in LOG.columns]
    entries = tuple(read_change(dict(zip(names, row, strict=True))) for row in by_time(conn, query))
    latest = by_time(
        conn,
        select(LOG.c.table_name, LOG.c.row_id, func.max(LOG.c.at))
        .where(LOG.c.at >= cutoff, LOG.c.table_name.in_(MARKED_TABLES))
        .group_by(LOG.c.table_name, LOG.c.row_id),
    )
    touched = {(str(table), int(row)): str(at) for table, row, at in latest}
    return entries, MappingProxyType(touched)


def touched_after(
    earlier: Mapping[tuple[str, int], str], entries: Iterable[s.ChangeEntry], cutoff: str | None
) -> Mapping[tuple[str, int], str]:
    """`earlier` (each row's latest change) brought up to date with newer log `entries`."""
    fresh = [e for e in entries if cutoff is not None and e.at >= cutoff]
    if not fresh:
        return earlier
    touched = dict(earlier)
    for entry in fresh:
        if entry.table_name in MARKED_TABLES:
            key = (entry.table_name, entry.row_id)
            if entry.at >= touched.get(key, ""):
                touched[key] = entry.at
    return MappingProxyType(touched)


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
    meeting_changes, meeting_touched = read_meeting_changes(conn, meetings)
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
        milestones=read_all(conn, MILESTONES, read_milestone, MILESTONES.c.id),
        meetings=meetings,
        meeting_changes=meeting_changes,
        meeting_touched=meeting_touched,
        sprint=sprint,
        goals=MappingProxyType(goals),
        changes=changes,
        data_version=data_version,
        last_change_id=changes[-1].id if changes else 0,
    )
