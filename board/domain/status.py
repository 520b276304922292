"""Warning lights (红黄绿灯) as pure functions of (snapshot, today): every light rule lives here.

Thresholds live in one `Thresholds` object. Every light has a glyph and a word besides its
colour (the UI takes those from i18n), so the board reads the same in greyscale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from board.domain.codes import stage_index
from board.domain.snapshot import (
    Blocker,
    Milestone,
    Pledge,
    Project,
    Snapshot,
    Sprint,
    SprintGoal,
)

_ORDER = ("none", "done", "green", "amber", "red")


class Light(StrEnum):
    """A light, ordered by `severity`: closed < done < green < amber < red."""

    NONE = "none"  # nothing to judge: a dropped pledge, a department with no pledges
    DONE = "done"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    severity: int  # a plain attribute, not a property: sorts read it 50,000 times a refresh

    def __init__(self, value: str) -> None:
        self.severity = _ORDER.index(value)


def worst(lights: Iterable[Light], default: Light = Light.NONE) -> Light:
    """The most severe light of `lights`."""
    return max(lights, key=lambda light: light.severity, default=default)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The numbers dispatch offices use (银川's 10/30 points; 90/180 days floating)."""

    pledge_warn_days: int = 3
    behind_amber: float = 10.0
    behind_red: float = 30.0
    floating_amber: int = 90
    floating_red: int = 180
    milestone_warn_days: int = 7


DEFAULT_THRESHOLDS = Thresholds()


def lag_light(behind: float | None, th: Thresholds = DEFAULT_THRESHOLDS) -> Light:
    """The light of a gap to 序时进度 alone: behind by more than 30 points → 红, by 10–30 → 黄,
    else (or ahead) → 绿; no schedule → none."""
    if behind is None:
        return Light.NONE
    if behind > th.behind_red:
        return Light.RED
    if behind >= th.behind_amber:
        return Light.AMBER
    return Light.GREEN


def pledge_light(pledge: Pledge, today: date, th: Thresholds = DEFAULT_THRESHOLDS) -> Light:
    """done → ✓; past due and not done → 红; due within N days (today included) → 黄; else 绿."""
    if pledge.status == "done":
        return Light.DONE
    if pledge.status == "dropped":
        return Light.NONE
    return due_light(pledge.due_on, today, th.pledge_warn_days)


def due_light(due_on: date | None, today: date, warn_days: int) -> Light:
    """What is still open, by its deadline: none → 绿; past it → 红; within `warn_days`
    (today included) → 黄; else 绿. Pledges, blockers and milestones share this rule."""
    if due_on is None:
        return Light.GREEN
    days_left = (due_on - today).days
    if days_left < 0:
        return Light.RED
    if days_left <= warn_days:
        return Light.AMBER
    return Light.GREEN


def blocker_light(blocker: Blocker, today: date, th: Thresholds = DEFAULT_THRESHOLDS) -> Light:
    """Like a pledge: resolved → ✓; past due → 红; due within N days → 黄; else 绿."""
    if not blocker.is_open:
        return Light.DONE
    return due_light(blocker.due_on, today, th.pledge_warn_days)


def milestone_light(
    milestone: Milestone, today: date, th: Thresholds = DEFAULT_THRESHOLDS
) -> Light:
    """done → ✓; not done and past due → 红; due within N days (7; today included) → 黄;
    else 绿."""
    if milestone.is_done:
        return Light.DONE
    return due_light(milestone.due_on, today, th.milestone_warn_days)


def floating_days(project: Project, today: date) -> int | None:
    """Days a signed project has waited without landing (None once it landed)."""
    if project.stage != "signed" or project.signed_on is None:
        return None
    return max(0, (today - project.signed_on).days)


def floating_light(days: int | None, th: Thresholds = DEFAULT_THRESHOLDS) -> Light:
    """≥ 90 days → 黄, ≥ 180 → 红."""
    if days is None:
        return Light.GREEN
    if days >= th.floating_red:
        return Light.RED
    if days >= th.floating_amber:
        return Light.AMBER
    return Light.GREEN


def elapsed_fraction(sprint: Sprint, today: date) -> float:
    """The share of the sprint period gone by today (序时), clamped to 0..1."""
    span = (sprint.ends_on - sprint.starts_on).days
    if span <= 0:
        return 1.0 if today >= sprint.ends_on else 0.0
    return min(1.0, max(0.0, (today - sprint.starts_on).days / span))


def expected_progress(goal: SprintGoal | None, sprint: Sprint | None, today: date) -> float | None:
    """序时进度: the sprint target interpolated from the goal's baseline over the sprint."""
    if goal is None or sprint is None or goal.target_progress is None:
        return None
    start = goal.baseline_progress
    return start + (goal.target_progress - start) * elapsed_fraction(sprint, today)


def goal_reached(project: Project, goal: SprintGoal) -> bool:
    """True when the project is at or past both the target stage and the target progress."""
    if goal.target_stage is None and goal.target_progress is None:
        return False
    stage_ok = goal.target_stage is None or project.stage_index >= stage_index(goal.target_stage)
    progress_ok = goal.target_progress is None or project.progress >= goal.target_progress
    return stage_ok and progress_ok


@dataclass(frozen=True, slots=True)
class ProjectStatus:
    light: Light
    expected: float | None = None
    behind: float | None = None
    floating_days: int | None = None
    reasons: tuple[str, ...] = ()


def project_status(
    project: Project,
    goal: SprintGoal | None,
    sprint: Sprint | None,
    open_blockers: Iterable[Blocker],
    today: date,
    th: Thresholds = DEFAULT_THRESHOLDS,
    milestones: Iterable[Milestone] = (),
) -> ProjectStatus:
    """The project's light and why: sprint lag, late stages, overdue blockers and milestones
    (an overdue milestone puts it at least at 黄), floating time."""
    reasons: list[str] = []
    lights: list[Light] = []
    expected = expected_progress(goal, sprint, today)
    behind = None if expected is None else expected - project.progress
    floating = floating_days(project, today)

    if any(b.due_on is not None and b.due_on < today for b in open_blockers):
        reasons.append("blocker_overdue")
        lights.append(Light.RED)
    lag = lag_light(behind, th)
    if lag is Light.RED:
        reasons.append("behind_red")
        lights.append(Light.RED)
    elif lag is Light.AMBER:
        reasons.append("behind_amber")
        lights.append(Light.AMBER)
    if (
        project.planned_start_on is not None
        and project.planned_start_on < today
        and (project.stage_index < stage_index("started"))
    ):
        reasons.append("start_late")
        lights.append(Light.AMBER)
    if (
        project.planned_complete_on is not None
        and project.planned_complete_on < today
        and (project.stage_index < stage_index("completed"))
    ):
        reasons.append("complete_late")
        lights.append(Light.AMBER)
    if any(not m.is_done and m.due_on is not None and m.due_on < today for m in milestones):
        reasons.append("milestone_overdue")
        lights.append(Light.AMBER)
    float_light = floating_light(floating, th)
    if float_light in (Light.AMBER, Light.RED):
        reasons.append("floating_red" if float_light is Light.RED else "floating_amber")
        lights.append(float_light)

    light = worst(lights, default=Light.GREEN)
    if light is not Light.RED and goal is not None and goal_reached(project, goal):
        light = Light.DONE
        reasons = ["goal_reached"]
    elif not lights and goal is None and project.stage == "producing":
        light = Light.DONE
    return ProjectStatus(light, expected, behind, floating, tuple(reasons))


@dataclass(frozen=True, slots=True)
class DepartmentStatus:
    light: Light
    total: int = 0
    done: int = 0
    overdue: int = 0
    due: int = 0  # pledges whose due date has come: the score's denominator
    due_done: int = 0

    @property
    def score(self) -> float | None:
        """done ÷ due: the ranking figure (红榜/黑榜); None while nothing is due."""
        return None if self.due == 0 else self.due_done / self.due


def department_status(
    pledges: Iterable[Pledge],
    today: date,
    th: Thresholds = DEFAULT_THRESHOLDS,
    lights_by_id: Mapping[int, Light] | None = None,
) -> DepartmentStatus:
    """A department's light is its worst pledge's; dropped pledges are not counted.
    `lights_by_id` passes lights already judged, so they are not judged twice."""
    live = [p for p in pledges if p.status != "dropped"]
    lights = [
        lights_by_id[p.id] if lights_by_id is not None else pledge_light(p, today, th) for p in live
    ]
    due = [p for p in live if p.due_on is not None and p.due_on <= today]
    return DepartmentStatus(
        light=worst(lights),
        total=len(live),
        done=sum(1 for p in live if p.status == "done"),
        overdue=sum(1 for light in lights if light is Light.RED),
        due=len(due),
        due_done=sum(1 for p in due if p.status == "done"),
    )


@dataclass(frozen=True)
class BoardStatus:
    """Every light on the board for one snapshot and one day."""

    today: date
    projects: Mapping[int, ProjectStatus]
    pledges: Mapping[int, Light]
    departments: Mapping[int, DepartmentStatus]
    open_blockers: Mapping[int, tuple[Blocker, ...]] = field(default_factory=dict)
    milestones: Mapping[int, Light] = field(default_factory=dict)
    # Each project's milestones in their order (sort_order, due date, id).
    milestones_by_project: Mapping[int, tuple[Milestone, ...]] = field(default_factory=dict)


def evaluate(snapshot: Snapshot, today: date, th: Thresholds = DEFAULT_THRESHOLDS) -> BoardStatus:
    """All lights of `snapshot` as of `today`, judged from scratch (a refresh that changed a few
    rows patches the last board's lights instead: `board.view.board.Board.build`)."""
    open_by_project: dict[int, list[Blocker]] = defaultdict(list)
    for blocker in snapshot.blockers:
        if blocker.is_open and blocker.project_id is not None:
            open_by_project[blocker.project_id].append(blocker)
    by_project = milestones_by_project(snapshot.milestones)
    projects = {
        p.id: project_status(
            p,
            snapshot.goals.get(p.id),
            snapshot.sprint,
            open_by_project.get(p.id, ()),
            today,
            th,
            by_project.get(p.id, ()),
        )
        for p in snapshot.projects
    }
    pledges = {p.id: pledge_light(p, today, th) for p in snapshot.pledges}
    by_dept: dict[int, list[Pledge]] = defaultdict(list)
    for pledge in snapshot.pledges:
        by_dept[pledge.department_id].append(pledge)
    departments = {
        d.id: department_status(by_dept.get(d.id, ()), today, th, pledges)
        for d in snapshot.departments
    }
    return BoardStatus(
        today,
        projects,
        pledges,
        departments,
        {k: tuple(v) for k, v in open_by_project.items()},
        {m.id: milestone_light(m, today, th) for m in snapshot.milestones},
        by_project,
    )


def milestone_order(milestone: Milestone) -> tuple[int, date, int]:
    """A project's milestones as a timeline: its own order, then by due date."""
    return (milestone.sort_order, milestone.due_on or date.max, milestone.id)


def milestones_by_project(milestones: Iterable[Milestone]) -> dict[int, tuple[Milestone, ...]]:
    grouped: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in milestones:
        grouped[milestone.project_id].append(milestone)
    return {pid: tuple(sorted(rows, key=milestone_order)) for pid, rows in grouped.items()}
