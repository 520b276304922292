"""Incremental loads equal full loads, over random sequences of writes (property test), and
the on-demand projects view shows the right rows at 10,000 projects."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board.domain.diff import diff_snapshots
from board.domain.snapshot import Snapshot
from board.store.demo import build_demo
from board.store.engine import make_engine
from board.store.reader import load_snapshot
from board.store.source import SnapshotSource
from board.view.board import Board
from board.view.kpi import kpi
from board.view.selections import ViewState, select_blockers, select_departments, select_projects
from tests.conftest import TODAY

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("project_progress"), st.integers(1, 25), st.integers(0, 100)),
        st.tuples(st.just("project_insert"), st.integers(1000, 1200), st.integers(0, 100)),
        st.tuples(st.just("project_delete"), st.integers(1, 30), st.just(0)),
        st.tuples(st.just("pledge_done"), st.integers(1, 60), st.just(0)),
        st.tuples(st.just("pledge_insert"), st.integers(1, 14), st.integers(0, 40)),
        st.tuples(st.just("pledge_delete"), st.integers(1, 60), st.just(0)),
        st.tuples(st.just("blocker_resolve"), st.integers(1, 22), st.just(0)),
        st.tuples(st.just("department_rename"), st.integers(1, 14), st.integers(0, 9)),
        st.tuples(st.just("department_reorder"), st.integers(1, 14), st.integers(0, 300)),
        st.tuples(st.just("meeting_new"), st.integers(1, 28), st.just(0)),
        st.tuples(st.just("goal_change"), st.integers(1, 25), st.integers(0, 100)),
        st.tuples(st.just("pledge_move"), st.integers(1, 60), st.integers(1, 30)),
        st.tuples(st.just("pledge_due"), st.integers(1, 60), st.integers(-20, 20)),
        st.tuples(st.just("blocker_insert"), st.integers(1, 30), st.integers(-10, 10)),
        st.tuples(st.just("project_lead"), st.integers(1, 25), st.integers(1, 14)),
        st.tuples(st.just("project_rename"), st.integers(1, 25), st.integers(0, 9)),
    ),
    min_size=1,
    max_size=8,
)


def apply(con: sqlite3.Connection, op: tuple[str, int, int]) -> None:
    kind, a, b = op
    sql = {
        "project_progress": ("UPDATE projects SET progress = ? WHERE id = ?", (b, a)),
        "project_insert": (
            "INSERT OR IGNORE INTO projects (id, code, name, category, stage, progress) "
            "VALUES (?, 'X-' || ?, '新项目', 'upgrade', 'signed', ?)",
            (a, a, b),
        ),
        "project_delete": ("DELETE FROM projects WHERE id = ?", (a,)),
        "pledge_done": (
            "UPDATE pledges SET status = 'done', done_on = '2026-11-29' WHERE id = ?",
            (a,),
        ),
        "pledge_insert": (
            "INSERT INTO pledges (department_id, content, due_on) "
            "VALUES (?, '新表态', date('2026-11-29', '+' || ? || ' days'))",
            (a, b),
        ),
        "pledge_delete": ("DELETE FROM pledges WHERE id = ?", (a,)),
        "blocker_resolve": ("UPDATE blockers SET resolved_on = '2026-11-29' WHERE id = ?", (a,)),
        "department_rename": ("UPDATE departments SET name = name || ? WHERE id = ?", (b, a)),
        "department_reorder": ("UPDATE departments SET sort_order = ? WHERE id = ?", (b, a)),
        "meeting_new": (
            "INSERT INTO meetings (held_on, title) "
            "VALUES (date('2026-11-29', '-' || ? || ' days'), '补记调度会')",
            (a,),
        ),
        "goal_change": ("UPDATE sprint_goals SET target_progress = ? WHERE project_id = ?", (b, a)),
        # To another department and project (NULL when that project was deleted).
        "pledge_move": (
            "UPDATE pledges SET department_id = ?, "
            "project_id = (SELECT id FROM projects WHERE id = ?) WHERE id = ?",
            (a % 14 + 1, b, a),
        ),
        "pledge_due": (
            "UPDATE pledges SET status = 'open', done_on = NULL, "
            "due_on = date('2026-11-29', ? || ' days') WHERE id = ?",
            (b, a),
        ),
        "blocker_insert": (
            "INSERT INTO blockers (category, description, project_id, department_id, opened_on, "
            "due_on) VALUES ('land', '新问题', (SELECT id FROM projects WHERE id = ?), 1, "
            "'2026-11-20', date('2026-11-29', ? || ' days'))",
            (a, b),
        ),
        "project_lead": ("UPDATE projects SET lead_department_id = ? WHERE id = ?", (b, a)),
        "project_rename": ("UPDATE projects SET name = name || ? WHERE id = ?", (b, a)),
    }[kind]
    con.execute(*sql)


def full_load(db: Path) -> Snapshot:
    engine = make_engine(db, read_only=True)
    try:
        with engine.connect() as conn, conn.begin():
            return load_snapshot(conn)
    finally:
        engine.dispose()


def comparable(snapshot: Snapshot) -> Snapshot:
    return replace(snapshot, data_version=0, goals=dict(snapshot.goals))  # type: ignore[arg-type]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(OPS, min_size=1, max_size=4))
def test_incremental_equals_full(
    tmp_path_factory: object, batches: list[list[tuple[str, int, int]]]
) -> None:
    db = tmp_path_factory.mktemp("inc") / "zone.db"  # type: ignore[attr-defined]
    build_demo(db, TODAY)
    source = SnapshotSource(db)
    try:
        first = source.poll(force=True)
        assert first is not None
        board = Board.build(first, TODAY)
        states = [ViewState(), ViewState(sort="name"), ViewState(text="区", light_filter="red")]
        patched = loads = 0
        for batch in batches:
            for state in states:  # the next board patches these selections
                select_projects(board, state)
            kpi(board)
            con = sqlite3.connect(db, isolation_level=None)
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("BEGIN")
            for op in batch:
                apply(con, op)
            con.execute("COMMIT")
            con.close()
            incremental = source.poll()
            if incremental is None:  # nothing this batch touched survived (e.g. all no-ops)
                continue
            full = full_load(db)
            assert comparable(incremental) == comparable(full)
            # The board built from the last one reuses what did not change; it must equal a
            # board built from scratch.
            previous = board
            loads += 1
            board = Board.build(incremental, TODAY, board)
            patched += board.touched is not None  # None: built from scratch
            fresh = Board.build(full, TODAY)
            assert board.status == fresh.status
            for name in (
                "departments",
                "projects",
                "pledges",
                "blockers",
                "pledges_by_department",
                "pledges_by_project",
                "since",
                "overdue",
                "search",
                "pledge_text",
                "blocker_text",
            ):
                assert getattr(board, name) == getattr(fresh, name), name
            assert board.changed == diff_snapshots(previous.snapshot, incremental)
            for state in states:
                assert select_projects(board, state) == select_projects(fresh, state), state
                assert select_departments(board, state, limit=8) == select_departments(
                    fresh, state, limit=8
                ), state
            patched_kpi, fresh_kpi = kpi(board), kpi(fresh)
            assert (patched_kpi.stages, patched_kpi.lights, patched_kpi.open_blockers) == (
                fresh_kpi.stages,
                fresh_kpi.lights,
                fresh_kpi.open_blockers,
            )
            assert patched_kpi.plan == pytest.approx(fresh_kpi.plan)
            assert patched_kpi.done == pytest.approx(fresh_kpi.done)
            assert patched_kpi.rates == fresh_kpi.rates
        # Every next board was patched from the last one (none of these changes the sprint).
        assert patched == loads
    finally:
        source.close()


def test_typing_a_filter_narrows_to_what_a_fresh_board_selects(tmp_path: Path) -> None:
    """Each letter typed narrows the rows of the text before it (memoised on the board);
    deleting letters finds them again. Every step equals a board that never saw a filter."""
    db = tmp_path / "zone.db"
    build_demo(db, TODAY, extra_projects=300)
    snapshot = full_load(db)
    board = Board.build(snapshot, TODAY)
    typed = ["", "园", "园区", "园区一", "园区", "园", "", "区", "路"]
    for light in ("all", "red_amber"):
        for text in typed:
            state = ViewState(text=text, light_filter=light)
            fresh = Board.build(snapshot, TODAY)
            assert select_projects(board, state) == select_projects(fresh, state), state
            assert select_departments(board, state, limit=8) == select_departments(
                fresh, state, limit=8
            ), state
            assert select_departments(board, state) == select_departments(fresh, state), state
            assert select_blockers(board, state) == select_blockers(fresh, state), state
    assert any(select_projects(board, ViewState(text="园区")))  # the filter does find rows
