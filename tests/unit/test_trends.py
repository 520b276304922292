"""趋势 from the change log: one project's series and the zone's totals rebuilt from old/new
values written by another process, against the 序时 line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from board.domain.trends import days_of, expected_for, series, total_series
from board.store.engine import make_engine
from board.store.history import daily_deltas, project_entries
from board.store.source import SnapshotSource
from tests.conftest import TODAY, write_sql


def snapshot(db: Path):  # type: ignore[no-untyped-def]
    source = SnapshotSource(db)
    try:
        return source.poll(force=True)
    finally:
        source.close()


def test_a_project_series_runs_from_its_baseline_to_today(demo_db: Path) -> None:
    snap = snapshot(demo_db)
    assert snap is not None and snap.sprint is not None
    start = snap.sprint.starts_on
    assert start == TODAY - timedelta(days=56)  # the demo's sprint: eight weeks of history
    project = next(p for p in snap.projects if p.code == "KF-01")
    goal = snap.goals[project.id]
    engine = make_engine(demo_db, read_only=True)
    with engine.connect() as conn:
        logged = project_entries(conn, project.id, start)
    engine.dispose()
    points = series(project.progress, logged["progress"], start, TODAY, step=7)
    assert points[0].day == start and points[0].value == goal.baseline_progress
    assert points[-1].day == TODAY and points[-1].value == project.progress
    assert [p.value for p in points] == sorted(p.value for p in points)  # the demo climbs
    line = expected_for(goal, snap.sprint, [p.day for p in points])
    assert line[0].value == goal.baseline_progress
    assert line[-1].value > line[0].value


def test_writes_from_another_process_move_the_series(demo_db: Path) -> None:
    snap = snapshot(demo_db)
    assert snap is not None and snap.sprint is not None
    project = next(p for p in snap.projects if p.code == "KF-03")
    write_sql(demo_db, f"UPDATE projects SET progress = 90 WHERE id = {project.id};")
    engine = make_engine(demo_db, read_only=True)
    with engine.connect() as conn:
        logged = project_entries(conn, project.id, snap.sprint.starts_on)
    engine.dispose()
    today = date.today()  # the trigger stamps the real clock
    points = series(90, logged["progress"], snap.sprint.starts_on, today)
    assert points[-1].value == 90
    assert points[-2].value == project.progress  # yesterday's value: before the write


def test_the_zone_total_comes_from_one_aggregate_query(demo_db: Path) -> None:
    snap = snapshot(demo_db)
    assert snap is not None and snap.sprint is not None
    start = snap.sprint.starts_on
    engine = make_engine(demo_db, read_only=True)
    with engine.connect() as conn:
        deltas = daily_deltas(conn, "year_done_investment", start)
        entries = {p.id: project_entries(conn, p.id, start) for p in snap.projects}
    engine.dispose()
    now = sum(p.year_done_investment or 0 for p in snap.projects)
    zone = total_series(now, deltas, start, TODAY, step=7)
    assert zone[-1].value == now
    # The same as adding up every project's own series, day by day.
    per_day = [
        sum(
            (
                series(
                    p.year_done_investment, entries[p.id]["year_done_investment"], start, TODAY, 7
                )
                or [None]
            )[i].value
            if p.year_done_investment is not None
            else 0
            for p in snap.projects
        )
        for i in range(len(days_of(start, TODAY, 7)))
    ]
    assert [round(p.value) for p in zone] == [round(v) for v in per_day]
    assert zone[0].value < zone[-1].value
