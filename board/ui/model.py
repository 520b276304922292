"""What each panel shows, given a snapshot, its lights and the coordinator's choices.

Pure selection and ordering (filter text, light filter, sort, picked department), with no
Textual and no I/O, so the rules of "what is on screen" are tested without running the app.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from board.domain.diff import SnapshotDiff, diff_snapshots
from board.domain.since import SinceReport, since_last_meeting
from board.domain.snapshot import Blocker, Department, Pledge, Project, Snapshot
from board.domain.status import (
    DEFAULT_THRESHOLDS,
    BoardStatus,
    DepartmentStatus,
    Light,
    department_status,
    evaluate,
)
from board.i18n import t
from board.store.codes import BLOCKER_CATEGORIES

LIGHT_FILTERS = ("all", "red", "red_amber")
PROJECT_SORTS = ("light", "stage", "progress", "name", "code")
DEPARTMENT_ORDERS = ("speaking", "worst")


@dataclass(frozen=True)
class ViewState:
    """The coordinator's choices; every field survives a refresh."""

    text: str = ""
    light_filter: str = "all"
    sort: str = "light"
    department_id: int | None = None
    department_order: str = "speaking"

    def admits(self, light: Light) -> bool:
        if self.light_filter == "red":
            return light is Light.RED
        if self.light_filter == "red_amber":
            return light in (Light.RED, Light.AMBER)
        return True


@dataclass(frozen=True)
class Board:
    """A snapshot with its lights and lookups: what the widgets read."""

    snapshot: Snapshot
    status: BoardStatus
    departments: dict[int, Department] = field(default_factory=dict)
    projects: dict[int, Project] = field(default_factory=dict)
    pledges_by_department: dict[int, list[Pledge]] = field(default_factory=dict)
    pledges_by_project: dict[int, list[Pledge]] = field(default_factory=dict)
    since: SinceReport = field(default_factory=lambda: SinceReport(since=None, last_meeting=None))
    changed: SnapshotDiff | None = None  # rows changed since the board before this one
    # Per project, its name, code, lead department and pledges, casefolded: what `/` searches.
    search: dict[int, str] = field(default_factory=dict)

    @classmethod
    def build(cls, snapshot: Snapshot, today: date, previous: Board | None = None) -> Board:
        """Lights, lookups and what changed since `previous` (run in a worker thread)."""
        by_dept: dict[int, list[Pledge]] = defaultdict(list)
        by_project: dict[int, list[Pledge]] = defaultdict(list)
        for pledge in snapshot.pledges:
            by_dept[pledge.department_id].append(pledge)
            if pledge.project_id is not None:
                by_project[pledge.project_id].append(pledge)
        before = (previous.snapshot, previous.status) if previous is not None else None
        status = evaluate(snapshot, today, previous=before)
        # Sorted here, in the worker: the panels then only slice, whatever the zone's size.
        # A department whose pledges are the very same objects as last time keeps its order.
        reuse = previous is not None and previous.today == today
        for dept_id, pledges in by_dept.items():
            earlier = previous.pledges_by_department.get(dept_id) if reuse and previous else None
            if (
                earlier is not None
                and len(earlier) == len(pledges)
                and ({id(p) for p in earlier} == {id(p) for p in pledges})
            ):
                by_dept[dept_id] = earlier
            else:
                pledges.sort(key=lambda p: urgency(p, status.pledges[p.id]))
        departments = {d.id: d for d in snapshot.departments}
        old_departments = previous.departments if previous is not None else {}
        old_projects = previous.projects if previous is not None else {}
        old_by_project = previous.pledges_by_project if previous is not None else {}
        old_search = previous.search if previous is not None else {}

        def searchable(p: Project) -> str:
            lead = departments.get(p.lead_department_id) if p.lead_department_id else None
            pledges = by_project.get(p.id, [])
            if (
                p.id in old_search
                and old_projects.get(p.id) is p
                and (lead is None or old_departments.get(lead.id) is lead)
                and _same_objects(old_by_project.get(p.id, []), pledges)
            ):
                return old_search[p.id]
            words = [p.name, p.code, lead.name if lead else "", *(x.content for x in pledges)]
            return "\n".join(words).casefold()

        search = {p.id: searchable(p) for p in snapshot.projects}
        return cls(
            snapshot=snapshot,
            status=status,
            changed=diff_snapshots(previous.snapshot, snapshot) if previous is not None else None,
            departments=departments,
            projects={p.id: p for p in snapshot.projects},
            pledges_by_department=dict(by_dept),
            pledges_by_project=dict(by_project),
            since=since_last_meeting(snapshot, today),
            search=search,
        )

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
        """Like a pledge: resolved ✓, past due 红, due within 3 days 黄, else 绿."""
        if not blocker.is_open:
            return Light.DONE
        if blocker.due_on is None:
            return Light.GREEN
        days = (blocker.due_on - self.today).days
        if days < 0:
            return Light.RED
        return Light.AMBER if days <= DEFAULT_THRESHOLDS.pledge_warn_days else Light.GREEN


def _same_objects(a: list[Pledge], b: list[Pledge]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _matches(needle: str, *values: str | None) -> bool:
    return any(needle in v.casefold() for v in values if v)


def project_matches(board: Board, project: Project, needle: str) -> bool:
    text = board.search.get(project.id)
    if text is not None:
        return needle in text
    if _matches(
        needle, project.name, project.code, board.department_name(project.lead_department_id)
    ):
        return True
    return any(_matches(needle, p.content) for p in board.pledges_by_project.get(project.id, ()))


def select_projects(board: Board, state: ViewState) -> list[Project]:
    """The projects panel's rows, filtered and sorted."""
    needle = state.text.strip().casefold()
    rows = [
        p
        for p in board.snapshot.projects
        if (state.department_id is None or p.lead_department_id == state.department_id)
        and state.admits(board.project_light(p.id))
        and (not needle or project_matches(board, p, needle))
    ]
    statuses = board.status.projects
    if state.sort == "light":
        rows.sort(
            key=lambda p: (
                -statuses[p.id].light.severity,
                -(statuses[p.id].behind or 0.0),
                p.code,
            )
        )
    elif state.sort == "stage":
        rows.sort(key=lambda p: (p.stage_index, p.code))
    elif state.sort == "progress":
        rows.sort(key=lambda p: (p.progress, p.code))
    elif state.sort == "name":
        rows.sort(key=lambda p: (p.name, p.code))
    else:
        rows.sort(key=lambda p: p.code)
    return rows


def urgency(pledge: Pledge, light: Light) -> tuple[int, date]:
    """Most urgent first: worst light, then earliest due date."""
    return (-light.severity, pledge.due_on or date.max)


@dataclass(frozen=True)
class DepartmentCard:
    department: Department
    status: DepartmentStatus
    pledges: list[Pledge]  # filtered, most urgent first (only the first `limit` of them)
    matching: int = 0  # how many pledges passed the filters in all

    @property
    def hidden(self) -> int:
        return self.matching - len(self.pledges)


def select_departments(
    board: Board, state: ViewState, limit: int | None = None
) -> list[DepartmentCard]:
    """The departments panel's cards, each with the pledges that pass the filters; with
    `limit`, only that many most urgent pledges per card are picked (a card shows a few)."""
    needle = state.text.strip().casefold()
    cards: list[DepartmentCard] = []
    for dept in board.snapshot.departments:
        if state.department_id is not None and dept.id != state.department_id:
            continue
        dept_hit = not needle or _matches(needle, dept.name, dept.short_name)
        every = board.pledges_by_department.get(dept.id, [])  # in urgency order already
        filtering = bool(needle) or state.light_filter != "all"
        if not filtering:
            pledges = every[:limit] if limit is not None else list(every)
            cards.append(
                DepartmentCard(dept, board.status.departments[dept.id], pledges, len(every))
            )
            continue
        pledges = [
            p
            for p in every
            if state.admits(board.status.pledges[p.id])
            and (dept_hit or _matches(needle, p.content, p.note))
        ]
        # A department named by the filter shows even with no pledges; otherwise it needs one.
        if not pledges and not (dept_hit and needle and state.light_filter == "all"):
            continue
        matching = len(pledges)
        if limit is not None:
            pledges = pledges[:limit]
        cards.append(DepartmentCard(dept, board.status.departments[dept.id], pledges, matching))
    cards.extend(orphan_cards(board, state, needle, limit))
    if state.department_order == "worst":
        cards.sort(key=lambda c: (-c.status.light.severity, -c.status.overdue))
    return cards


def orphan_cards(
    board: Board, state: ViewState, needle: str, limit: int | None
) -> list[DepartmentCard]:
    """Pledges whose department was deleted (sqlite3 leaves them when foreign keys are off):
    shown under "unknown department #N", never hidden."""
    if state.department_id is not None:
        return []
    cards = []
    for dept_id, every in board.pledges_by_department.items():
        if dept_id in board.departments:
            continue
        pledges = [
            p
            for p in every
            if state.admits(board.status.pledges[p.id])
            and (not needle or _matches(needle, p.content, p.note))
        ]
        if not pledges:
            continue
        ghost = Department(
            id=dept_id,
            name=t("unknown.department", id=dept_id),
            sort_order=10**9,
            problems=("id",),
        )
        status = department_status(pledges, board.today, lights_by_id=board.status.pledges)
        shown = pledges[:limit] if limit is not None else pledges
        cards.append(DepartmentCard(ghost, status, shown, len(pledges)))
    return cards


@dataclass(frozen=True)
class BlockerGroup:
    category: str
    blockers: list[Blocker]


def select_blockers(board: Board, state: ViewState) -> tuple[list[BlockerGroup], int]:
    """Open blockers grouped by category (in the code list's order), and the resolved count."""
    needle = state.text.strip().casefold()
    groups: dict[str, list[Blocker]] = defaultdict(list)
    resolved = 0
    for blocker in board.snapshot.blockers:
        if state.department_id is not None and blocker.department_id != state.department_id:
            continue
        if not blocker.is_open:
            resolved += 1
            continue
        project = board.projects.get(blocker.project_id) if blocker.project_id else None
        if needle and not _matches(
            needle,
            blocker.description,
            project.name if project else None,
            board.department_name(blocker.department_id),
        ):
            continue
        if not state.admits(board.blocker_light(blocker)):
            continue
        groups[blocker.category].append(blocker)
    ordered = [
        BlockerGroup(c, sorted(groups[c], key=lambda b: (b.due_on or date.max, b.id)))
        for c in BLOCKER_CATEGORIES
        if groups.get(c)
    ]
    return ordered, resolved


@dataclass(frozen=True)
class RankRow:
    department: Department
    status: DepartmentStatus


def ranking(board: Board) -> list[RankRow]:
    """红榜 to 黑榜: best score first; no score yet sorts last; fewer overdue breaks ties."""
    rows = [RankRow(d, board.status.departments[d.id]) for d in board.snapshot.departments]
    rows.sort(
        key=lambda r: (
            r.status.score is None,
            -(r.status.score or 0.0),
            r.status.overdue,
            r.department.sort_order,
        )
    )
    return rows


def red_projects(board: Board) -> list[Project]:
    """The red projects, worst lag first (for the slideshow's last page)."""
    state = ViewState(light_filter="red")
    return select_projects(board, state)
