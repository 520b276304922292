"""本周节点: the milestones due within the week or overdue and not done, unit by unit.

Pure selection over the Board (no Textual): the 本周节点 page, the slideshow and the countdown
page's figure all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from board.domain.snapshot import Department, Milestone, Project
from board.domain.status import DEFAULT_THRESHOLDS, Light
from board.view.board import Board


@dataclass(frozen=True)
class WeekItem:
    milestone: Milestone
    project: Project
    light: Light


@dataclass(frozen=True)
class WeekGroup:
    department: Department | None  # None: no unit named
    items: tuple[WeekItem, ...]


def in_week(milestone: Milestone, today: date) -> bool:
    """Not done, and due within the milestone warning window (7 days) or already overdue."""
    if milestone.is_done or milestone.due_on is None:
        return False
    return (milestone.due_on - today).days <= DEFAULT_THRESHOLDS.milestone_warn_days


def week_milestones(board: Board) -> list[WeekGroup]:
    """Groups in speaking order (no unit last), each worst light first, then by due date."""
    memo_key = ("week_milestones",)
    cached: list[WeekGroup] | None = board.memo.get(memo_key)
    if cached is not None:
        return cached
    grouped: dict[int | None, list[WeekItem]] = {}
    for project_id, timeline in board.status.milestones_by_project.items():
        project = board.projects.get(project_id)
        if project is None:
            continue
        for milestone in timeline:
            if in_week(milestone, board.today):
                light = board.status.milestones.get(milestone.id, Light.NONE)
                grouped.setdefault(milestone.department_id, []).append(
                    WeekItem(milestone, project, light)
                )
    order = {d.id: i for i, d in enumerate(board.snapshot.departments)}
    groups = []
    for dept_id in sorted(grouped, key=lambda k: (k is None, order.get(k, len(order)) if k else 0)):
        items = sorted(
            grouped[dept_id],
            key=lambda i: (-i.light.severity, i.milestone.due_on or date.max, i.milestone.id),
        )
        department = board.departments.get(dept_id) if dept_id is not None else None
        groups.append(WeekGroup(department, tuple(items)))
    board.memo[memo_key] = groups
    return groups


def week_count(board: Board) -> int:
    return sum(len(g.items) for g in week_milestones(board))
