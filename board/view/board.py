"""The board: a snapshot with its lights, lookups and search text, built off the UI thread.

`Board.build` runs in a worker after every load. From scratch it walks every row; after an
incremental load (the snapshot carries a `Delta` against the snapshot of the last board) it
copies the last board's lookups and redoes only what the changed rows touch: their lights,
their departments' counts and card order, their projects' lights and search text. At 10,000
projects and 50,000 pledges that is about a millisecond instead of a few hundred. The result is
the same either way (tests/test_incremental.py builds both and compares).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from board.domain.diff import SnapshotDiff, diff_snapshots
from board.domain.since import SinceReport, last_meeting, overdue_since, since_last_meeting
from board.domain.snapshot import (
    Blocker,
    Delta,
    Department,
    Milestone,
    Pledge,
    Project,
    Snapshot,
)
from board.domain.status import (
    BoardStatus,
    Light,
    blocker_light,
    department_status,
    evaluate,
    milestone_light,
    milestone_order,
    pledge_light,
    project_status,
)
from board.view.kpi import KPI_KEY, Kpi


def urgency(pledge: Pledge, light: Light) -> tuple[int, date]:
    """Most urgent first: worst light, then earliest due date."""
    return (-light.severity, pledge.due_on or date.max)


@dataclass(frozen=True, eq=False)
class Board:
    """A snapshot with its lights and lookups: what the widgets read."""

    snapshot: Snapshot
    status: BoardStatus
    departments: dict[int, Department] = field(default_factory=dict)
    projects: dict[int, Project] = field(default_factory=dict)
    pledges: dict[int, Pledge] = field(default_factory=dict)
    blockers: dict[int, Blocker] = field(default_factory=dict)
    # Each department's pledges, most urgent first; each project's pledges in id order.
    pledges_by_department: dict[int, list[Pledge]] = field(default_factory=dict)
    pledges_by_project: dict[int, list[Pledge]] = field(default_factory=dict)
    since: SinceReport = field(default_factory=lambda: SinceReport(since=None, last_meeting=None))
    overdue: dict[int, Pledge] = field(default_factory=dict)  # fell due since the last meeting
    changed: SnapshotDiff | None = None  # rows changed since the board before this one
    # Per project, its name, code, lead department and pledges, casefolded: what `/` searches.
    search: dict[int, str] = field(default_factory=dict)
    # The same for pledges (content and note) and blockers (description, project, department).
    pledge_text: dict[int, str] = field(default_factory=dict)
    blocker_text: dict[int, str] = field(default_factory=dict)
    # Projects whose row, light or search text may differ from the board before this one
    # (None: any of them). Selections kept from that board are patched for these only.
    touched: frozenset[int] | None = None
    # Selections computed for this board (by `board.view.selections`), and those of the board before
    # it, which a patched board inherits to update instead of recomputing.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    inherited: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, snapshot: Snapshot, today: date, previous: Board | None = None) -> Board:
        """Lights, lookups and what changed since `previous` (run in a worker thread)."""
        if previous is not None:
            delta = snapshot.delta
            if (
                delta is not None
                and delta.parent == previous.snapshot.serial
                and not delta.sprint_changed
                and previous.today == today
            ):
                return _patched(previous, snapshot, delta)
        return _from_scratch(snapshot, today, previous)

    @property
    def today(self) -> date:
        return self.status.today

    def department_name(self, department_id: int | None) -> str | None:
        dept = self.departments.get(department_id) if department_id is not None else None
        return dept.name if dept else None

    def project_light(self, project_id: int) -> Light:
        status = self.status.projects.get(project_id)
        return status.light if status else Light.NONE

    def blocker_light(self, blocker: Blocker) -> Light:
        """The blocker's light as of the board's day (`board.domain.status.blocker_light`)."""
        return blocker_light(blocker, self.today)


def search_text(
    project: Project, departments: Mapping[int, Department], pledges: Iterable[Pledge]
) -> str:
    lead = departments.get(project.lead_department_id) if project.lead_department_id else None
    words = [project.name, project.code, lead.name if lead else "", *(p.content for p in pledges)]
    return "\n".join(words).casefold()


def pledge_text(pledge: Pledge) -> str:
    return f"{pledge.content}\n{pledge.note or ''}".casefold()


def blocker_text(
    blocker: Blocker, projects: Mapping[int, Project], departments: Mapping[int, Department]
) -> str:
    project = projects.get(blocker.project_id) if blocker.project_id else None
    dept = departments.get(blocker.department_id) if blocker.department_id is not None else None
    words = (blocker.description, project.name if project else "", dept.name if dept else "")
    return "\n".join(words).casefold()


def _from_scratch(snapshot: Snapshot, today: date, previous: Board | None) -> Board:
    by_dept: dict[int, list[Pledge]] = defaultdict(list)
    by_project: dict[int, list[Pledge]] = defaultdict(list)
    for pledge in snapshot.pledges:
        by_dept[pledge.department_id].append(pledge)
        if pledge.project_id is not None:
            by_project[pledge.project_id].append(pledge)
    status = evaluate(snapshot, today)
    # Sorted here, in the worker: the panels then only slice, whatever the zone's size.
    for listed in by_dept.values():
        listed.sort(key=lambda p: urgency(p, status.pledges[p.id]))
    departments = {d.id: d for d in snapshot.departments}
    projects = {p.id: p for p in snapshot.projects}
    pledges = {p.id: p for p in snapshot.pledges}
    blockers = {b.id: b for b in snapshot.blockers}
    meeting = last_meeting(snapshot, today)
    since_day = meeting.held_on if meeting is not None else None
    overdue = (
        {p.id: p for p in snapshot.pledges if overdue_since(p, since_day, today)}
        if since_day is not None
        else {}
    )
    return Board(
        snapshot=snapshot,
        status=status,
        departments=departments,
        projects=projects,
        pledges=pledges,
        blockers=blockers,
        pledges_by_department=dict(by_dept),
        pledges_by_project=dict(by_project),
        since=since_last_meeting(
            snapshot,
            today,
            projects=projects,
            pledges=pledges,
            blockers=blockers,
            overdue=overdue.values(),
        ),
        overdue=overdue,
        changed=diff_snapshots(previous.snapshot, snapshot) if previous is not None else None,
        search={
            p.id: search_text(p, departments, by_project.get(p.id, ())) for p in snapshot.projects
        },
        pledge_text={p.id: pledge_text(p) for p in snapshot.pledges},
        blocker_text={b.id: blocker_text(b, projects, departments) for b in snapshot.blockers},
    )


def _apply(index: dict[int, Any], rows: Mapping[int, Any]) -> dict[int, Any]:
    """A copy of `index` with `rows` put in (None: taken out)."""
    if not rows:
        return index
    out = dict(index)
    for ident, row in rows.items():
        if row is None:
            out.pop(ident, None)
        else:
            out[ident] = row
    return out


def _changed(rows: Mapping[int, Any], before: Mapping[int, Any]) -> frozenset[int]:
    """Ids of rows added or modified (a row logged but read back equal does not count)."""
    return frozenset(i for i, row in rows.items() if row is not None and row != before.get(i))


def _patched_milestones(
    old: Board, delta: Delta
) -> tuple[Mapping[int, Light], Mapping[int, tuple[Milestone, ...]], set[int]]:
    """Milestone lights and timelines brought up to `delta`, and the projects whose milestones
    changed (their light may move: an overdue milestone makes a project amber)."""
    if not delta.milestones:
        return old.status.milestones, old.status.milestones_by_project, set()
    today = old.today
    lights = dict(old.status.milestones)
    timelines = dict(old.status.milestones_by_project)
    projects: set[int] = set()
    for ident, row in delta.milestones.items():
        lights.pop(ident, None)
        if row is not None:
            lights[ident] = milestone_light(row, today)
            projects.add(row.project_id)
    for timeline in old.status.milestones_by_project.values():
        projects.update(m.project_id for m in timeline if m.id in delta.milestones)
    for project_id in projects:
        kept = [m for m in timelines.get(project_id, ()) if m.id not in delta.milestones]
        kept += [
            m for m in delta.milestones.values() if m is not None and m.project_id == project_id
        ]
        if kept:
            timelines[project_id] = tuple(sorted(kept, key=milestone_order))
        else:
            timelines.pop(project_id, None)
    return lights, timelines, projects


def _patched(old: Board, snapshot: Snapshot, delta: Delta) -> Board:
    """`old` brought up to `snapshot`, redoing only what the rows in `delta` touch."""
    today = old.today
    departments: dict[int, Department] = _apply(old.departments, delta.departments)
    projects: dict[int, Project] = _apply(old.projects, delta.projects)
    pledges: dict[int, Pledge] = _apply(old.pledges, delta.pledges)
    blockers: dict[int, Blocker] = _apply(old.blockers, delta.blockers)

    # Which departments and projects the changed rows reach (where they were and where they are).
    pledge_departments: set[int] = set()
    pledge_projects: set[int] = set()
    changed_departments = set(_changed(delta.departments, old.departments))
    for ident, row in delta.pledges.items():
        before = old.pledges.get(ident)
        for pledge in (before, row):
            if pledge is not None:
                pledge_departments.add(pledge.department_id)
                if pledge.project_id is not None:
                    pledge_projects.add(pledge.project_id)
        if before != row:
            changed_departments.update(p.department_id for p in (before, row) if p is not None)
    blocker_projects: set[int] = set()
    for ident, fresh in delta.blockers.items():
        for blocker in (old.blockers.get(ident), fresh):
            if blocker is not None and blocker.project_id is not None:
                blocker_projects.add(blocker.project_id)

    lights = dict(old.status.pledges)
    for ident, row in delta.pledges.items():
        if row is None:
            lights.pop(ident, None)
        else:
            lights[ident] = pledge_light(row, today)

    by_dept = dict(old.pledges_by_department) if pledge_departments else old.pledges_by_department
    for dept_id in pledge_departments:
        kept = [p for p in by_dept.get(dept_id, ()) if p.id not in delta.pledges]
        kept += [p for p in delta.pledges.values() if p is not None and p.department_id == dept_id]
        if kept:
            kept.sort(key=lambda p: (*urgency(p, lights[p.id]), p.id))
            by_dept[dept_id] = kept
        else:
            by_dept.pop(dept_id, None)
    by_project = dict(old.pledges_by_project) if pledge_projects else old.pledges_by_project
    for project_id in pledge_projects:
        kept = [p for p in by_project.get(project_id, ()) if p.id not in delta.pledges]
        kept += [p for p in delta.pledges.values() if p is not None and p.project_id == project_id]
        if kept:
            kept.sort(key=lambda p: p.id)
            by_project[project_id] = kept
        else:
            by_project.pop(project_id, None)

    dept_status = dict(old.status.departments)
    for dept_id in pledge_departments | set(delta.departments):
        if dept_id in departments:
            dept_status[dept_id] = department_status(
                by_dept.get(dept_id, ()), today, lights_by_id=lights
            )
        else:
            dept_status.pop(dept_id, None)

    open_blockers = dict(old.status.open_blockers)
    for project_id in blocker_projects:
        kept_b = [b for b in open_blockers.get(project_id, ()) if b.id not in delta.blockers]
        kept_b += [
            b
            for b in delta.blockers.values()
            if b is not None and b.project_id == project_id and b.is_open
        ]
        if kept_b:
            open_blockers[project_id] = tuple(sorted(kept_b, key=lambda b: b.id))
        else:
            open_blockers.pop(project_id, None)

    milestone_lights, milestone_map, milestone_projects = _patched_milestones(old, delta)

    project_status_map = dict(old.status.projects)
    for project_id in set(delta.projects) | blocker_projects | delta.goals | milestone_projects:
        project = projects.get(project_id)
        if project is None:
            project_status_map.pop(project_id, None)
        else:
            project_status_map[project_id] = project_status(
                project,
                snapshot.goals.get(project_id),
                snapshot.sprint,
                open_blockers.get(project_id, ()),
                today,
                milestones=milestone_map.get(project_id, ()),
            )

    searched = set(delta.projects) | pledge_projects
    if delta.departments:  # a renamed department changes its projects' search text
        searched |= {p.id for p in projects.values() if p.lead_department_id in delta.departments}
    search = dict(old.search)
    for project_id in searched:
        project = projects.get(project_id)
        if project is None:
            search.pop(project_id, None)
        else:
            search[project_id] = search_text(project, departments, by_project.get(project_id, ()))

    pledge_texts = dict(old.pledge_text) if delta.pledges else old.pledge_text
    for ident, row in delta.pledges.items():
        if row is None:
            pledge_texts.pop(ident, None)
        else:
            pledge_texts[ident] = pledge_text(row)
    # A blocker's text names its project and department: a rename changes it.
    worded = set(delta.blockers)
    if delta.projects or delta.departments:
        worded |= {
            b.id
            for b in blockers.values()
            if b.project_id in delta.projects or b.department_id in delta.departments
        }
    blocker_texts = dict(old.blocker_text) if worded else old.blocker_text
    for ident in worded:
        blocker = blockers.get(ident)
        if blocker is None:
            blocker_texts.pop(ident, None)
        else:
            blocker_texts[ident] = blocker_text(blocker, projects, departments)

    meeting = last_meeting(snapshot, today)
    since_day = meeting.held_on if meeting is not None else None
    if since_day is None:
        overdue: dict[int, Pledge] = {}
    elif since_day == old.since.since and not delta.meetings_changed:
        overdue = dict(old.overdue) if delta.pledges else old.overdue
        for ident, row in delta.pledges.items():
            overdue.pop(ident, None)
            if row is not None and overdue_since(row, since_day, today):
                overdue[ident] = row
    else:
        overdue = {p.id: p for p in snapshot.pledges if overdue_since(p, since_day, today)}

    board = Board(
        snapshot=snapshot,
        status=BoardStatus(
            today,
            project_status_map,
            lights,
            dept_status,
            open_blockers,
            milestone_lights,
            milestone_map,
        ),
        departments=departments,
        projects=projects,
        pledges=pledges,
        blockers=blockers,
        pledges_by_department=by_dept,
        pledges_by_project=by_project,
        since=since_last_meeting(
            snapshot,
            today,
            projects=projects,
            pledges=pledges,
            blockers=blockers,
            overdue=overdue.values(),
        ),
        overdue=overdue,
        changed=SnapshotDiff(
            projects=_changed(delta.projects, old.projects)
            | {p for p in delta.goals if p in snapshot.goals}
            | {p for p in milestone_projects if p in projects},
            departments=frozenset(changed_departments),
            blockers=_changed(delta.blockers, old.blockers),
        ),
        search=search,
        pledge_text=pledge_texts,
        blocker_text=blocker_texts,
        touched=frozenset(searched | blocker_projects | delta.goals | milestone_projects),
        inherited=old.memo,
    )
    figures: Kpi | None = old.memo.get(KPI_KEY)
    if figures is not None and board.touched is not None:
        board.memo[KPI_KEY] = figures.patched(old, board, board.touched, delta.blockers)
    return board
