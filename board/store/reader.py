"""Read the whole board into a `Snapshot` with SQLAlchemy Core (rows, not ORM entities).

Core rows load several times faster than ORM objects, and a snapshot is read-only anyway.
Values are checked against the contract once, on the way in: the big tables through the fast
path (`board.store.fast_rows`), anything unusual through the careful readers
(`board.store.rows`), so a bad date or code becomes `None` plus a note in the row's
`problems`, never an exception.
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

from sqlalchemy import Connection, select

from board.domain import snapshot as s
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
    read_pledge,
    read_project,
)

RECENT_CHANGES = 300


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
