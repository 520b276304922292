"""Incremental snapshot loads: read only the rows `change_log` says changed.

At 10,000 projects and 50,000 pledges a full read takes most of a second; a coordinator's
edit touches one row. The triggers log every insert, update and delete with the row's id, so
the next snapshot is the last one with those rows re-read (or dropped), and the small tables
(meetings, board_meta) read again. Unchanged rows stay the very same objects, which lets the
status rules and the diff skip them by identity. When the log cannot be trusted to cover the
gap (it was cleared or reset, or the gap is large), the caller does a full load instead.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Table, func, select

from board.domain import snapshot as s
from board.domain.since import is_reported, log_cutoff
from board.store import models as m
from board.store.reader import (
    RECENT_CHANGES,
    read_current_sprint,
    read_meeting_changes,
    read_meta,
    touched_after,
)
from board.store.rows import (
    read_all,
    read_blocker,
    read_change,
    read_departments,
    read_meeting,
    read_milestone,
    read_pledge,
    read_project,
)

MAX_ENTRIES = 2000  # beyond this many logged changes a full load is as cheap and simpler


class HasId(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=HasId)


def patch(
    conn: Connection,
    previous: Sequence[R],
    table: Table,
    ids: set[int],
    reader: Callable[[Mapping[str, Any]], R],
) -> tuple[tuple[R, ...], dict[int, R | None]]:
    """`previous` with the rows of `ids` re-read: updated in place, dropped if gone, new ones
    appended; rows not in `ids` are kept as the same objects. Also returns the re-read rows by
    id (None for a row that is gone)."""
    if not ids:
        return tuple(previous), {}
    result = conn.execute(select(table).where(table.c.id.in_(sorted(ids))))
    keys = tuple(result.keys())
    fresh = {row.id: row for row in (reader(dict(zip(keys, v, strict=True))) for v in result)}
    changes: dict[int, R | None] = {i: fresh.get(i) for i in ids}
    out: list[R] = []
    for row in previous:
        if row.id in ids:
            if row.id in fresh:
                out.append(fresh.pop(row.id))
        else:
            out.append(row)
    if fresh:
        out.extend(fresh[i] for i in sorted(fresh))
        if out and any(a.id > b.id for a, b in itertools.pairwise(out)):
            out.sort(key=lambda r: r.id)
    return tuple(out), changes


def load_incremental(
    conn: Connection, previous: s.Snapshot, data_version: int
) -> s.Snapshot | None:
    """The next snapshot from `previous` and the log, or None when a full load is needed."""
    log = m.ChangeLog.__table__
    top = conn.execute(select(func.max(log.c.id))).scalar() or 0
    if top < previous.last_change_id:
        return None  # the log was cleared or the file replaced: ids went backwards
    if previous.changes and previous.changes[-1].id == previous.last_change_id:
        # Same history? The last entry we saw must still be there as we saw it; a file copied
        # over ours from elsewhere fails this and gets a full load.
        last = previous.changes[-1]
        seen = conn.execute(
            select(log.c.at, log.c.table_name, log.c.row_id).where(log.c.id == last.id)
        ).first()
        if seen is None or tuple(seen) != (last.at, last.table_name, last.row_id):
            return None
    rows = conn.execute(
        select(log)
        .where(log.c.id > previous.last_change_id)
        .order_by(log.c.id)
        .limit(MAX_ENTRIES + 1)
    ).all()
    if len(rows) > MAX_ENTRIES:
        return None
    entries = tuple(read_change(dict(row._mapping)) for row in rows)
    touched: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        touched[entry.table_name].add(entry.row_id)
    tables = m.Base.metadata.tables
    departments, department_rows = patch(
        conn,
        previous.departments,
        tables["departments"],
        touched["departments"],
        read_departments,
    )
    if touched["departments"]:
        departments = tuple(sorted(departments, key=lambda d: (d.sort_order, d.id)))
    sprint, goals = previous.sprint, previous.goals
    changed_goals: frozenset[int] = frozenset()
    if touched["sprints"] or touched["sprint_goals"]:
        sprint, goals = read_current_sprint(conn)
        changed_goals = frozenset(
            pid
            for pid in goals.keys() | previous.goals.keys()
            if goals.get(pid) != previous.goals.get(pid)
        )
    meetings = read_all(
        conn,
        m.Meeting.__table__,
        read_meeting,
        m.Meeting.__table__.c.held_on,
        m.Meeting.__table__.c.id,
    )
    meetings_changed = meetings != previous.meetings
    if meetings_changed:
        meeting_changes, meeting_touched = read_meeting_changes(conn, meetings)
    else:
        cutoff = log_cutoff(meetings)
        reported = tuple(
            e for e in entries if cutoff is not None and e.at >= cutoff and is_reported(e)
        )
        meeting_changes = (
            previous.meeting_changes + reported if reported else previous.meeting_changes
        )
        meeting_touched = touched_after(previous.meeting_touched, entries, cutoff)
    projects, project_rows = patch(
        conn, previous.projects, tables["projects"], touched["projects"], read_project
    )
    pledges, pledge_rows = patch(
        conn, previous.pledges, tables["pledges"], touched["pledges"], read_pledge
    )
    blockers, blocker_rows = patch(
        conn, previous.blockers, tables["blockers"], touched["blockers"], read_blocker
    )
    milestones, milestone_rows = patch(
        conn, previous.milestones, tables["milestones"], touched["milestones"], read_milestone
    )
    return s.Snapshot(
        meta=read_meta(conn),
        departments=departments,
        projects=projects,
        pledges=pledges,
        blockers=blockers,
        milestones=milestones,
        meetings=meetings,
        meeting_changes=meeting_changes,
        meeting_touched=meeting_touched,
        sprint=sprint,
        goals=goals,
        changes=(previous.changes + entries)[-RECENT_CHANGES:],
        data_version=data_version,
        last_change_id=entries[-1].id if entries else previous.last_change_id,
        delta=s.Delta(
            parent=previous.serial,
            departments=department_rows,
            projects=project_rows,
            pledges=pledge_rows,
            blockers=blocker_rows,
            milestones=milestone_rows,
            goals=changed_goals,
            sprint_changed=sprint != previous.sprint,
            meetings_changed=meetings_changed,
        ),
    )
