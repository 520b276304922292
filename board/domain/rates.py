"""开工率 / 竣工率 / 投产率: how many of the projects due to have started (completed, producing)
by today have, as dispatch offices report them every month.

开工率 = projects started ÷ projects planned to start by today (planned_start_on ≤ today);
竣工率 = projects completed ÷ projects planned to complete by today (planned_complete_on ≤ today);
投产率 = projects producing ÷ projects planned to complete by today (a completed plant is due to
produce). "Started" means the stage 开工 or later, and so on. Pure: (projects, today) in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from board.domain.codes import stage_index
from board.domain.snapshot import Project

STARTED = stage_index("started")
COMPLETED = stage_index("completed")
PRODUCING = stage_index("producing")


@dataclass(frozen=True)
class Rate:
    """`done` of `planned`; `share` is None while nothing is planned yet."""

    done: int = 0
    planned: int = 0

    @property
    def share(self) -> float | None:
        return None if self.planned == 0 else self.done / self.planned

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.done + other.done, self.planned + other.planned)

    def __sub__(self, other: Rate) -> Rate:
        return Rate(self.done - other.done, self.planned - other.planned)


@dataclass(frozen=True)
class Rates:
    start: Rate = Rate()
    complete: Rate = Rate()
    produce: Rate = Rate()

    def __add__(self, other: Rates) -> Rates:
        return Rates(
            self.start + other.start, self.complete + other.complete, self.produce + other.produce
        )

    def __sub__(self, other: Rates) -> Rates:
        return Rates(
            self.start - other.start, self.complete - other.complete, self.produce - other.produce
        )


def project_rates(project: Project, today: date) -> Rates:
    """One project's share of the rates (0 or 1 in each count)."""
    return stage_rates(
        project.stage_index, project.planned_start_on, project.planned_complete_on, today
    )


def stage_rates(
    stage: int, planned_start_on: date | None, planned_complete_on: date | None, today: date
) -> Rates:
    """The share of a project at stage index `stage` with these planned dates."""
    due_start = planned_start_on is not None and planned_start_on <= today
    due_complete = planned_complete_on is not None and planned_complete_on <= today
    return Rates(
        start=Rate(int(due_start and stage >= STARTED), int(due_start)),
        complete=Rate(int(due_complete and stage >= COMPLETED), int(due_complete)),
        produce=Rate(int(due_complete and stage >= PRODUCING), int(due_complete)),
    )


def rates(projects: Iterable[Project], today: date) -> Rates:
    total = Rates()
    for project in projects:
        total = total + project_rates(project, today)
    return total
