"""趋势: values over the sprint rebuilt from the change log, and the 序时 line beside them.

The log holds every old and new value anyone wrote, so a series needs no table of its own: the
value today is the row's, and walking the log backwards undoes one change at a time. Pure:
values and log entries in, points out. The store reads only what a page shows
(`board.store.history`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from board.domain.snapshot import ChangeEntry, Sprint, SprintGoal
from board.domain.status import elapsed_fraction


@dataclass(frozen=True)
class Point:
    day: date
    value: float


def number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def days_of(start: date, end: date, step: int = 1) -> list[date]:
    """start, start + step, …, and `end` itself (always the last point)."""
    if end < start:
        return [end]
    out = [start + timedelta(days=n) for n in range(0, (end - start).days + 1, max(1, step))]
    if out[-1] != end:
        out.append(end)
    return out


def series(
    current: float | None,
    entries: Iterable[ChangeEntry],
    start: date,
    today: date,
    step: int = 1,
) -> list[Point]:
    """The value on each day from `start` to `today`, from the value now and the log entries of
    one column of one row (oldest first): a day's value is the one in force at its end."""
    changes = sorted(
        ((e.at[:10], number(e.old_value), number(e.new_value)) for e in entries),
        key=lambda c: c[0],
    )
    value = current
    # Undo, newest first, every change made after each day.
    points: list[Point] = []
    pending = list(changes)
    for day in reversed(days_of(start, today, step)):
        stamp = day.isoformat()
        while pending and pending[-1][0] > stamp:
            _at, old, _new = pending.pop()
            value = old
        if value is not None:
            points.append(Point(day, value))
    return list(reversed(points))


def total_series(
    current_total: float,
    daily_deltas: Mapping[str, float],
    start: date,
    today: date,
    step: int = 1,
) -> list[Point]:
    """A sum over many rows (the zone's total) from its value now and the sum of changes per
    day ('YYYY-MM-DD' → new − old): the aggregate query's answer, without reading the rows."""
    points = []
    for day in days_of(start, today, step):
        later = sum(delta for stamp, delta in daily_deltas.items() if stamp > day.isoformat())
        points.append(Point(day, current_total - later))
    return points


def expected_line(goals: Sequence[SprintGoal], sprint: Sprint, days: Iterable[date]) -> list[Point]:
    """序时: the average progress the plan expects of the projects with a goal, day by day."""
    targets = [g for g in goals if g.target_progress is not None]
    out = []
    for day in days:
        if not targets:
            break
        share = elapsed_fraction(sprint, day)
        total = sum(
            g.baseline_progress + ((g.target_progress or 0) - g.baseline_progress) * share
            for g in targets
        )
        out.append(Point(day, total / len(targets)))
    return out


def expected_for(goal: SprintGoal, sprint: Sprint, days: Iterable[date]) -> list[Point]:
    """序时 of one project, day by day."""
    return expected_line([goal], sprint, days)


def zone_progress(
    progress_now: Sequence[float],
    daily_deltas: Mapping[str, float],
    start: date,
    today: date,
    step: int = 1,
) -> list[Point]:
    """The zone's average progress per day: the total now, less the changes logged after each
    day (one aggregate query), over the number of projects."""
    if not progress_now:
        return []
    count = len(progress_now)
    totals = total_series(sum(progress_now), daily_deltas, start, today, step)
    return [Point(p.day, p.value / count) for p in totals]
