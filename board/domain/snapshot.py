"""An immutable picture of the shared file at one moment: what every layer above the store reads.

Values are already parsed (dates as `date`), but nothing is hidden: a column that held something
that is not what the contract says (a date that is not a date, an unknown code) is listed in the
row's `problems`, so the board can show the row as bad rather than drop it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from board.domain.codes import stage_index


@dataclass(frozen=True, slots=True)
class Department:
    id: int
    name: str
    short_name: str | None = None
    kind: str = "bureau"
    sort_order: int = 0
    version: int = 1
    problems: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The short name where one is given (cards are narrow), else the name."""
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class Project:
    id: int
    code: str
    name: str
    category: str
    stage: str
    progress: int
    progress_note: str | None = None
    lead_department_id: int | None = None
    responsible: str | None = None
    leader: str | None = None
    owner: str | None = None
    location: str | None = None
    total_investment: float | None = None
    year_plan_investment: float | None = None
    year_done_investment: float | None = None
    signed_on: date | None = None
    landed_on: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    producing_on: date | None = None
    planned_start_on: date | None = None
    planned_complete_on: date | None = None
    updated_at: str | None = None
    version: int = 1
    problems: tuple[str, ...] = ()

    @property
    def stage_index(self) -> int:
        return stage_index(self.stage)

    def stage_date(self, stage: str) -> date | None:
        """The date the project reached `stage`, if recorded."""
        value: date | None = getattr(self, f"{stage}_on", None)
        return value


@dataclass(frozen=True, slots=True)
class Pledge:
    id: int
    department_id: int
    content: str
    due_on: date | None = None
    status: str = "open"
    project_id: int | None = None
    meeting_id: int | None = None
    done_on: date | None = None
    note: str | None = None
    updated_at: str | None = None
    version: int = 1
    problems: tuple[str, ...] = ()

    @property
    def is_closed(self) -> bool:
        return self.status in ("done", "dropped")


@dataclass(frozen=True, slots=True)
class Blocker:
    id: int
    category: str
    description: str
    project_id: int | None = None
    department_id: int | None = None
    opened_on: date | None = None
    due_on: date | None = None
    resolved_on: date | None = None
    note: str | None = None
    version: int = 1
    problems: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None and "resolved_on" not in self.problems


@dataclass(frozen=True, slots=True)
class Milestone:
    """关键节点: a dated step of one project, done or not, with the unit that answers for it."""

    id: int
    project_id: int
    name: str
    due_on: date | None = None
    department_id: int | None = None
    done_on: date | None = None
    note: str | None = None
    sort_order: int = 0
    version: int = 1
    problems: tuple[str, ...] = ()

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True, slots=True)
class Sprint:
    id: int
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class SprintGoal:
    sprint_id: int
    project_id: int
    target_stage: str | None = None
    target_progress: int | None = None
    target_investment: float | None = None
    baseline_progress: int = 0
    target_note: str | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    held_on: date | None
    title: str


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    id: int
    at: str
    table_name: str
    row_id: int
    action: str
    column_name: str | None = None
    old_value: str | None = None
    new_value: str | None = None


@dataclass(frozen=True, slots=True)
class Meta:
    zone_name: str = ""
    season_end: date | None = None
    year_end: date | None = None
    schema_version: int = 0


def _empty() -> Mapping[int, SprintGoal]:
    return MappingProxyType({})


def _no_touches() -> Mapping[tuple[str, int], str]:
    return MappingProxyType({})


_serials = itertools.count(1)


def _next_serial() -> int:
    return next(_serials)


@dataclass(frozen=True, slots=True)
class Delta:
    """What an incremental load changed, relative to the snapshot it was loaded on top of.

    Each mapping holds the re-read rows by id, None for a row that is gone. Rows not named are
    the very same objects as in the parent, so whoever derived something from the parent only
    has to redo it for these ids: at 10,000 projects that is the difference between walking
    60,000 rows per refresh and touching one.
    """

    parent: int  # the parent snapshot's `serial`
    departments: Mapping[int, Department | None]
    projects: Mapping[int, Project | None]
    pledges: Mapping[int, Pledge | None]
    blockers: Mapping[int, Blocker | None]
    milestones: Mapping[int, Milestone | None] = field(default_factory=dict)
    goals: frozenset[int] = frozenset()  # projects whose sprint goal changed
    sprint_changed: bool = False  # the sprint itself (its dates): every light may move
    meetings_changed: bool = False


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the board shows, read in one transaction."""

    meta: Meta = field(default_factory=Meta)
    departments: tuple[Department, ...] = ()
    projects: tuple[Project, ...] = ()
    pledges: tuple[Pledge, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    sprint: Sprint | None = None
    goals: Mapping[int, SprintGoal] = field(default_factory=_empty)
    changes: tuple[ChangeEntry, ...] = ()  # the most recent ones, newest last
    # Since the earlier of the last two meetings (`board.domain.since.log_cutoff`): every log
    # entry the since-report lists, and the latest change of every row changed, by (table, id).
    # Whole, however long the log: a full and an incremental load give the same report.
    meeting_changes: tuple[ChangeEntry, ...] = ()
    meeting_touched: Mapping[tuple[str, int], str] = field(default_factory=_no_touches)
    data_version: int = 0
    last_change_id: int = 0
    # Not part of the picture (two loads of the same data are equal): which load this is, and
    # for an incremental load, what it changed from its parent.
    serial: int = field(default_factory=_next_serial, compare=False)
    delta: Delta | None = field(default=None, compare=False)

    @property
    def meeting(self) -> Meeting | None:
        """The latest meeting on record, planned ones included (the board shows the current
        one: `board.domain.since.current_meeting`)."""
        return self.meetings[-1] if self.meetings else None
