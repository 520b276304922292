"""Incremental loads equal full loads, over random sequences of writes (property test), and
the on-demand projects view shows the right rows at 10,000 projects."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board.domain.snapshot import Snapshot
from board.store.demo import build_demo
from board.store.engine import make_engine
from board.store.reader import load_snapshot
from board.store.source import SnapshotSource
from board.ui.model import Board
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
        for batch in batches:
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
            board = Board.build(incremental, TODAY, board)
            fresh = Board.build(full, TODAY)
            assert board.status == fresh.status
            assert board.search == fresh.search
            assert board.pledges_by_department == fresh.pledges_by_department
            assert board.since == fresh.since
    finally:
        source.close()
