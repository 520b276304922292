"""The warning-light rules as pure functions, at their boundaries."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from board.domain.snapshot import Blocker, Pledge, Project, Snapshot, Sprint, SprintGoal
from board.domain.status import (
    Light,
    department_status,
    elapsed_fraction,
    evaluate,
    expected_progress,
    floating_days,
    floating_light,
    pledge_light,
    project_status,
)

TODAY = date(2023, 9, 1)


def pledge(due_in: int | None, status: str = "open") -> Pledge:
    due = None if due_in is None else TODAY + timedelta(days=due_in)
    return Pledge(id=1, department_id=1, content="x", due_on=due, status=status)


@pytest.mark.parametrize(
    ("due_in", "status", "light"),
    [
        (-1, "open", Light.RED),
        (-30, "in_progress", Light.RED),
        (0, "open", Light.AMBER),  # due today
        (3, "open", Light.AMBER),  # due in exactly 3 days
        (4, "open", Light.GREEN),
        (-10, "done", Light.DONE),
        (-10, "dropped", Light.NONE),
        (None, "open", Light.GREEN),
    ],
)
def test_pledge_light(due_in: int | None, status: str, light: Light) -> None:
    assert pledge_light(pledge(due_in, status), TODAY) is light


def project(stage: str = "started", progress: int = 50, **kw: object) -> Project:
    return Project(
        id=1, code="P", name="p", category="investment", stage=stage, progress=progress, **kw
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("signed_days_ago", "light"),
    [(0, Light.GREEN), (89, Light.GREEN), (90, Light.AMBER), (179, Light.AMBER), (180, Light.RED)],
)
def test_floating_boundaries(signed_days_ago: int, light: Light) -> None:
    p = project("signed", 0, signed_on=TODAY - timedelta(days=signed_days_ago))
    days = floating_days(p, TODAY)
    assert days == signed_days_ago
    assert floating_light(days) is light
    assert project_status(p, None, None, (), TODAY).light is light


def test_floating_only_for_signed_projects() -> None:
    p = project("landed", 0, signed_on=TODAY - timedelta(days=400))
    assert floating_days(p, TODAY) is None


SPRINT = Sprint(
    id=1, name="百米冲刺", starts_on=TODAY - timedelta(days=50), ends_on=TODAY + timedelta(days=50)
)


def test_expected_progress_interpolates_from_baseline() -> None:
    goal = SprintGoal(sprint_id=1, project_id=1, target_progress=80, baseline_progress=20)
    assert elapsed_fraction(SPRINT, TODAY) == pytest.approx(0.5)
    assert expected_progress(goal, SPRINT, TODAY) == pytest.approx(50.0)
    assert expected_progress(goal, SPRINT, SPRINT.starts_on - timedelta(days=5)) == 20
    assert expected_progress(goal, SPRINT, SPRINT.ends_on + timedelta(days=5)) == 80


@pytest.mark.parametrize(
    ("progress", "light"),
    [
        (50, Light.GREEN),  # on schedule (expected 50)
        (41, Light.GREEN),  # 9 behind
        (40, Light.AMBER),  # exactly 10 behind
        (20, Light.AMBER),  # exactly 30 behind
        (19, Light.RED),  # 31 behind
    ],
)
def test_sprint_lag_boundaries(progress: int, light: Light) -> None:
    goal = SprintGoal(sprint_id=1, project_id=1, target_progress=80, baseline_progress=20)
    status = project_status(project(progress=progress), goal, SPRINT, (), TODAY)
    assert status.light is light
    assert status.behind == pytest.approx(50 - progress)


def test_target_reached_is_done() -> None:
    goal = SprintGoal(sprint_id=1, project_id=1, target_stage="started", target_progress=60)
    assert project_status(project(progress=60), goal, SPRINT, (), TODAY).light is Light.DONE
    assert project_status(project("landed", 60), goal, SPRINT, (), TODAY).light is not Light.DONE


def test_overdue_open_blocker_is_red_even_when_on_track() -> None:
    goal = SprintGoal(sprint_id=1, project_id=1, target_progress=80, baseline_progress=20)
    late = Blocker(
        id=1, category="land", description="d", project_id=1, due_on=TODAY - timedelta(days=1)
    )
    due_today = Blocker(id=2, category="land", description="d", project_id=1, due_on=TODAY)
    assert project_status(project(progress=50), goal, SPRINT, [late], TODAY).light is Light.RED
    assert (
        project_status(project(progress=50), goal, SPRINT, [due_today], TODAY).light is Light.GREEN
    )


def test_passed_planned_start_is_at_least_amber() -> None:
    p = project("landed", 0, planned_start_on=TODAY - timedelta(days=1))
    status = project_status(p, None, None, (), TODAY)
    assert status.light is Light.AMBER
    assert "start_late" in status.reasons
    on_the_day = project("landed", 0, planned_start_on=TODAY)
    assert project_status(on_the_day, None, None, (), TODAY).light is Light.GREEN


def test_department_is_its_worst_pledge_and_scores_done_over_due() -> None:
    pledges = [
        Pledge(id=1, department_id=1, content="a", due_on=TODAY - timedelta(days=2), status="done"),
        Pledge(id=2, department_id=1, content="b", due_on=TODAY - timedelta(days=1)),
        Pledge(id=3, department_id=1, content="c", due_on=TODAY + timedelta(days=2)),
        Pledge(
            id=4, department_id=1, content="d", due_on=TODAY - timedelta(days=9), status="dropped"
        ),
    ]
    status = department_status(pledges, TODAY)
    assert status.light is Light.RED
    assert (status.total, status.done, status.overdue, status.due) == (3, 1, 1, 2)
    assert status.score == pytest.approx(0.5)
    assert department_status([], TODAY).score is None


dates = st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))


@given(
    progress=st.integers(0, 100),
    stage=st.sampled_from(["signed", "landed", "started", "completed", "producing", "bogus"]),
    signed=dates,
    planned=dates,
    target=st.one_of(st.none(), st.integers(0, 100)),
    baseline=st.integers(0, 100),
    due=dates,
    status=st.sampled_from(["open", "in_progress", "done", "dropped"]),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
)
def test_rules_never_raise(
    progress: int,
    stage: str,
    signed: date | None,
    planned: date | None,
    target: int | None,
    baseline: int,
    due: date | None,
    status: str,
    today: date,
) -> None:
    p = Project(
        id=1,
        code="c",
        name="n",
        category="upgrade",
        stage=stage,
        progress=progress,
        signed_on=signed,
        planned_start_on=planned,
        planned_complete_on=planned,
    )
    sprint = Sprint(id=1, name="s", starts_on=signed or today, ends_on=planned or today)
    goal = SprintGoal(sprint_id=1, project_id=1, target_progress=target, baseline_progress=baseline)
    pl = Pledge(id=1, department_id=1, content="x", due_on=due, status=status, project_id=1)
    bl = Blocker(id=1, category="funds", description="d", project_id=1, due_on=due)
    snap = Snapshot(projects=(p,), pledges=(pl,), blockers=(bl,), sprint=sprint, goals={1: goal})
    board = evaluate(snap, today)
    assert board.projects[1].light in Light
    assert board.pledges[1] in Light


def test_countdowns_count_to_31_december_and_name_another_year_end() -> None:
    from board.view.words import countdowns

    day = date(2026, 12, 1)
    assert countdowns(date(2027, 3, 3), date(2026, 12, 31), day) == [
        "距冬季停工 92 天",
        "距年底 30 天",
    ]
    # A year-end date of the file's own (a target date) is said under its own label.
    lines = countdowns(date(2026, 11, 20), date(2027, 1, 15), day)
    assert lines == ["冬季停工已过 11 天", "距年底 30 天", "距年度目标截止 45 天"]
    assert countdowns(None, None, date(2026, 12, 31))[1] == "今天是年底"


def test_one_ranking_rule_score_then_overdue_then_done_then_speaking_order(demo_db) -> None:  # type: ignore[no-untyped-def]
    from board.store.source import SnapshotSource
    from board.view.board import Board
    from board.view.selections import rank_key, ranking

    source = SnapshotSource(demo_db)
    try:
        snapshot = source.poll(force=True)
    finally:
        source.close()
    assert snapshot is not None
    rows = ranking(Board.build(snapshot, date(2026, 11, 29)))
    keys = [rank_key(r) for r in rows]
    assert keys == sorted(keys)
    by_name = {r.department.name: i for i, r in enumerate(rows)}
    # Equal scores: the one with more done pledges ranks higher, then speaking order.
    for a, b in itertools.pairwise(rows):
        if a.status.score == b.status.score and a.status.overdue == b.status.overdue:
            assert a.status.done >= b.status.done
    assert by_name
