"""The demo's 关键节点: each landed or started project gets the steps real construction goes
through, some done, some overdue, some due this week, so every milestone view shows something.

Laid out from the project itself (its stage and stage dates, its lead unit), the same way on
every build: the steps before the project's stage are done on the day it reached them (or a
plausible day before), the next one is due around now, the later ones in the coming months.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from board.domain.codes import stage_index

# (step, unit by name; None: the project's lead unit), in the order construction takes them.
LANDED_STEPS: tuple[tuple[str, str | None], ...] = (
    ("土地摘牌", "土地局"),
    ("规划许可", "规划建设局"),
    ("施工许可", "规划建设局"),
    ("开工建设", None),
)
STARTED_STEPS: tuple[tuple[str, str | None], ...] = (
    ("土地摘牌", "土地局"),
    ("施工许可", "规划建设局"),
    ("水电接入", "公用事业局"),
    ("主体封顶", None),
    ("设备进场", None),
    ("竣工验收", "规划建设局"),
)
# Where the first open step falls, relative to today, by project (cycled): overdue, this
# week, a little later.
NEXT_DUE = (-4, 3, 12, -9, 5, 20)


def milestone_rows(
    projects: Sequence[Mapping[str, Any]],
    departments: Mapping[str, int],
    today: date,
    seed: int = 11,
) -> list[dict[str, Any]]:
    """Milestone rows (without ids) for the landed and started projects among `projects`."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    active = [p for p in projects if p["stage"] in ("landed", "started")]
    for n, project in enumerate(active):
        steps = STARTED_STEPS if project["stage"] == "started" else LANDED_STEPS
        count = min(len(steps), 3 + rng.randrange(0, 4))  # 3–6
        steps = steps[:count]
        done_upto = 2 if stage_index(project["stage"]) >= stage_index("started") else 1
        reached = project.get("started_on") or project.get("landed_on")
        anchor = date.fromisoformat(reached) if reached else today - timedelta(days=60)
        due = today + timedelta(days=NEXT_DUE[n % len(NEXT_DUE)])
        for order, (name, unit) in enumerate(steps, start=1):
            department = departments.get(unit) if unit else project.get("lead_department_id")
            if order <= done_upto:
                done = anchor - timedelta(days=(done_upto - order) * 20)
                when, done_on = done - timedelta(days=3), done.isoformat()
            else:
                when, done_on = due, None
                due = due + timedelta(days=20 + rng.randrange(0, 25))
            rows.append(
                {
                    "project_id": project["id"],
                    "name": name,
                    "due_on": when.isoformat(),
                    "department_id": department,
                    "done_on": done_on,
                    "sort_order": order * 10,
                }
            )
    return rows
