"""自上次调度会以来: what changed since the last dispatch meeting, grouped by department.

From `change_log` (stages advanced, pledges done, new pledges, blockers opened and closed) and
from the snapshot itself (pledges that fell overdue since then). Pure: (snapshot, today) in,
report out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from board.domain.codes import stage_index
from board.domain.snapshot import (
    Blocker,
    ChangeEntry,
    Meeting,
    Milestone,
    Pledge,
    Project,
    Snapshot,
)

KINDS = (
    "stage_up",
    "pledge_done",
    "pledge_new",
    "pledge_overdue",
    "blocker_opened",
    "blocker_closed",
    "milestone_done",
    "milestone_overdue",
)


@dataclass(frozen=True)
class SinceItem:
    kind: str
    department_id: int | None
    row_id: int
    text: str
    detail: str = ""


@dataclass(frozen=True)
class SinceReport:
    """The changes since `since` (the last meeting's date), and the rows they touched."""

    since: date | None
    last_meeting: Meeting | None
    items: tuple[SinceItem, ...] = ()
    projects: frozenset[int] = field(default_factory=frozenset)
    departments: frozenset[int] = field(default_factory=frozenset)
    blockers: frozenset[int] = field(default_factory=frozenset)

    def by_department(self) -> dict[int | None, list[SinceItem]]:
        groups: dict[int | None, list[SinceItem]] = defaultdict(list)
        for item in self.items:
            groups[item.department_id].append(item)
        return dict(groups)


# The tables whose changed rows carry the ◆ mark.
MARKED_TABLES = ("projects", "pledges", "blockers", "departments")


def is_reported(entry: ChangeEntry) -> bool:
    """True for the log entries the report lists (a stage set, a pledge made or done, a
    blocker opened or closed); every other entry only marks its row as changed. The store
    reads exactly these with the same test in SQL (`board.store.reader.REPORTED`)."""
    table, action, column = entry.table_name, entry.action, entry.column_name
    if table == "projects":
        return action == "update" and column == "stage"
    if table == "pledges":
        return action == "insert" or (
            action == "update" and column == "status" and entry.new_value == "done"
        )
    if table == "blockers":
        return action == "insert" or (
            action == "update" and column == "resolved_on" and bool(entry.new_value)
        )
    if table == "milestones":
        return action == "update" and column == "done_on" and bool(entry.new_value)
    return False


# How many of the latest dated meetings the log is kept and read for: the one today's report
# compares against is the latest held before today, and one more may already be planned.
LOG_MEETINGS = 3


def milestone_text(milestone: Milestone, projects: Mapping[int, Project]) -> str:
    """项目 · 节点: a milestone is read with its project."""
    project = projects.get(milestone.project_id)
    return f"{project.name} · {milestone.name}" if project is not None else milestone.name


def log_cutoff(meetings: Iterable[Meeting]) -> str | None:
    """Where the log is read from: the earliest of the latest dated meetings (whichever of them
    today's report compares against), as the log's `at` text compares; None: none."""
    dated = sorted(m.held_on for m in meetings if m.held_on is not None)
    return min(dated[-LOG_MEETINGS:]).isoformat() if dated else None


def held(meetings: Iterable[Meeting], today: date) -> list[Meeting]:
    """The meetings held on or before `today`, in date order (a later one is only planned)."""
    dated = [m for m in meetings if m.held_on is not None and m.held_on <= today]
    return sorted(dated, key=lambda m: (m.held_on, m.id))


def current_meeting(meetings: Iterable[Meeting], today: date) -> Meeting | None:
    """The meeting the board is shown at: the latest held on or before today."""
    done = held(meetings, today)
    return done[-1] if done else None


def next_meeting(meetings: Iterable[Meeting], today: date) -> Meeting | None:
    """The earliest meeting planned after today (used by nothing until its day)."""
    ahead = [m for m in meetings if m.held_on is not None and m.held_on > today]
    return min(ahead, key=lambda m: (m.held_on, m.id)) if ahead else None


def last_meeting(snapshot: Snapshot, today: date) -> Meeting | None:
    """The meeting to compare against: the latest held before today, else today's own; never
    one that is only planned."""
    done = held(snapshot.meetings, today)
    before = [m for m in done if m.held_on is not None and m.held_on < today]
    if before:
        return before[-1]
    return done[-1] if done else None


def overdue_since(pledge: Pledge, since: date, today: date) -> bool:
    """An open pledge that fell due after the meeting and before today."""
    due = pledge.due_on
    return not pledge.is_closed and due is not None and since <= due < today


def since_last_meeting(
    snapshot: Snapshot,
    today: date,
    *,
    projects: Mapping[int, Project] | None = None,
    pledges: Mapping[int, Pledge] | None = None,
    blockers: Mapping[int, Blocker] | None = None,
    overdue: Iterable[Pledge] | None = None,
) -> SinceReport:
    """The report for `snapshot` as of `today`. The lookups by id and the pledges that fell
    overdue may be passed in when the caller keeps them already (the board does, so a refresh
    at 10,000 projects does not rebuild them); they must match the snapshot."""
    meeting = last_meeting(snapshot, today)
    if meeting is None or meeting.held_on is None:
        return SinceReport(since=None, last_meeting=None)
    since = meeting.held_on
    cutoff = since.isoformat()
    if projects is None:
        projects = {p.id: p for p in snapshot.projects}
    if pledges is None:
        pledges = {p.id: p for p in snapshot.pledges}
    if blockers is None:
        blockers = {b.id: b for b in snapshot.blockers}
    if overdue is None:
        overdue = [p for p in snapshot.pledges if overdue_since(p, since, today)]
    items: list[SinceItem] = []

    def add(kind: str, dept: int | None, row_id: int, text: str, detail: str = "") -> None:
        items.append(SinceItem(kind, dept, row_id, text, detail))

    entries: list[ChangeEntry] = [c for c in snapshot.meeting_changes if c.at >= cutoff]
    touched = [key for key, at in snapshot.meeting_touched.items() if at >= cutoff]
    for c in entries:
        if c.table_name == "projects" and c.action == "update" and c.column_name == "stage":
            old, new = c.old_value or "", c.new_value or ""
            project = projects.get(c.row_id)
            if project is not None and stage_index(new) > stage_index(old):
                add("stage_up", project.lead_department_id, c.row_id, project.name, f"{old}>{new}")
        elif c.table_name == "pledges":
            pledge = pledges.get(c.row_id)
            if pledge is None:
                continue
            if c.action == "insert":
                add("pledge_new", pledge.department_id, c.row_id, pledge.content)
            elif c.action == "update" and c.column_name == "status" and c.new_value == "done":
                add("pledge_done", pledge.department_id, c.row_id, pledge.content)
        elif c.table_name == "blockers":
            blocker = blockers.get(c.row_id)
            if blocker is None:
                continue
            if c.action == "insert":
                add("blocker_opened", blocker.department_id, c.row_id, blocker.description)
            elif c.action == "update" and c.column_name == "resolved_on" and c.new_value:
                add("blocker_closed", blocker.department_id, c.row_id, blocker.description)
    milestones = {m.id: m for m in snapshot.milestones}
    done_ids = {c.row_id for c in entries if c.table_name == "milestones"}  # once each
    for ident in sorted(done_ids):
        milestone = milestones.get(ident)
        if milestone is not None and milestone.is_done:
            text = milestone_text(milestone, projects)
            add("milestone_done", milestone.department_id, milestone.id, text)
    for milestone in snapshot.milestones:
        deadline = milestone.due_on
        if not milestone.is_done and deadline is not None and since <= deadline < today:
            text = milestone_text(milestone, projects)
            add(
                "milestone_overdue",
                milestone.department_id,
                milestone.id,
                text,
                deadline.isoformat(),
            )
    for pledge in overdue:
        due = pledge.due_on.isoformat() if pledge.due_on else ""
        add("pledge_overdue", pledge.department_id, pledge.id, pledge.content, due)
    items.sort(key=lambda i: (KINDS.index(i.kind), i.row_id))
    touched_projects = {i.row_id for i in items if i.kind == "stage_up"}
    touched_projects |= {row for table, row in touched if table == "projects" and row in projects}
    touched_blockers = {i.row_id for i in items if i.kind.startswith("blocker")}
    touched_blockers |= {row for table, row in touched if table == "blockers"}
    touched_departments = {i.department_id for i in items if i.department_id is not None}
    touched_departments |= {
        pledges[row].department_id
        for table, row in touched
        if table == "pledges" and row in pledges
    }
    touched_departments |= {row for table, row in touched if table == "departments"}
    return SinceReport(
        since=since,
        last_meeting=meeting,
        items=tuple(items),
        projects=frozenset(touched_projects),
        departments=frozenset(touched_departments),
        blockers=frozenset(touched_blockers),
    )
