"""What changed between two snapshots, by id: which rows the board should light up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from board.domain.snapshot import Snapshot


class HasId(Protocol):
    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=HasId)


def changed_ids(old: Iterable[T], new: Iterable[T]) -> set[int]:
    """Ids of rows added or modified from `old` to `new` (removed rows are gone from view)."""
    before = {row.id: row for row in old}
    # Identity first: an incremental load keeps unchanged rows as the very same objects.
    return {row.id for row in new if (prev := before.get(row.id)) is not row and prev != row}


def removed_ids(old: Iterable[T], new: Iterable[T]) -> set[int]:
    """Ids present in `old` and missing from `new`."""
    return {row.id for row in old} - {row.id for row in new}


@dataclass(frozen=True)
class SnapshotDiff:
    projects: frozenset[int]
    departments: frozenset[int]
    blockers: frozenset[int]

    @property
    def empty(self) -> bool:
        return not (self.projects or self.departments or self.blockers)


def diff_snapshots(old: Snapshot, new: Snapshot) -> SnapshotDiff:
    """Projects, departments (a changed pledge counts for its department) and blockers changed."""
    departments = changed_ids(old.departments, new.departments)
    old_pledges = {p.id: p for p in old.pledges}
    new_pledges = {p.id: p for p in new.pledges}
    for pledge_id in changed_ids(old.pledges, new.pledges) | removed_ids(old.pledges, new.pledges):
        for pledge in (old_pledges.get(pledge_id), new_pledges.get(pledge_id)):
            if pledge is not None:
                departments.add(pledge.department_id)
    projects = changed_ids(old.projects, new.projects)
    before = {m.id: m for m in old.milestones}
    moved = {m.project_id for m in new.milestones if before.pop(m.id, None) != m}
    moved.update(m.project_id for m in before.values())  # gone
    # A changed milestone changes its project's row (if the project is still there).
    projects |= moved & {p.id for p in new.projects}
    old_goals, new_goals = old.goals, new.goals
    projects |= {pid for pid, goal in new_goals.items() if old_goals.get(pid) != goal}
    return SnapshotDiff(
        projects=frozenset(projects),
        departments=frozenset(departments),
        blockers=frozenset(changed_ids(old.blockers, new.blockers)),
    )
