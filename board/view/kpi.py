"""The KPI strip's figures, counted once per board from scratch, then patched.

A refresh that changed a few rows moves these figures by those rows only (counted out as they
were, in as they are): at 10,000 projects that is the difference between walking every
project per refresh and touching one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from board.domain.rates import Rates, project_rates, rates
from board.domain.status import Light

if TYPE_CHECKING:
    from board.view.board import Board

KPI_KEY = "kpi"  # where a board keeps its figures (Board.memo)


@dataclass(frozen=True)
class Kpi:
    """The KPI strip's figures: projects per stage and per light, year investment, open
    blockers, and 开工率 / 竣工率 / 投产率."""

    stages: Mapping[str, int]
    lights: Mapping[Light, int]
    plan: float
    done: float
    open_blockers: int
    rates: Rates = field(default_factory=Rates)

    @classmethod
    def count(cls, board: Board) -> Kpi:
        projects = board.snapshot.projects
        return cls(
            stages=Counter(p.stage for p in projects),
            lights=Counter(s.light for s in board.status.projects.values()),
            plan=math.fsum(p.year_plan_investment or 0.0 for p in projects),
            done=math.fsum(p.year_done_investment or 0.0 for p in projects),
            open_blockers=sum(1 for b in board.snapshot.blockers if b.is_open),
            rates=rates(projects, board.today),
        )

    def patched(
        self, old: Board, new: Board, projects: Iterable[int], blockers: Iterable[int]
    ) -> Kpi:
        """These figures moved from `old` to `new`, where only `projects` and `blockers` changed
        (counted out as they were, in as they are)."""
        stages, lights = Counter(self.stages), Counter(self.lights)
        plan, done = [self.plan], [self.done]
        shares = self.rates
        for board, sign in ((old, -1), (new, 1)):
            for ident in projects:
                project = board.projects.get(ident)
                if project is None:
                    continue
                share = project_rates(project, board.today)
                shares = shares + share if sign > 0 else shares - share
                stages[project.stage] += sign
                lights[board.status.projects[ident].light] += sign
                plan.append(sign * (project.year_plan_investment or 0.0))
                done.append(sign * (project.year_done_investment or 0.0))
        open_blockers = self.open_blockers
        for ident in blockers:
            before, after = old.blockers.get(ident), new.blockers.get(ident)
            open_blockers += (after is not None and after.is_open) - (
                before is not None and before.is_open
            )
        return Kpi(
            stages=+stages,
            lights=+lights,
            plan=math.fsum(plan),
            done=math.fsum(done),
            open_blockers=open_blockers,
            rates=shares,
        )


def kpi(board: Board) -> Kpi:
    """The KPI figures of `board`: counted once, or patched from the last board's."""
    figures: Kpi | None = board.memo.get(KPI_KEY)
    if figures is None:
        figures = board.memo[KPI_KEY] = Kpi.count(board)
    return figures
