"""The demo zone: whatever day it is built on, it shows every case the meeting talks about.

Each demo is built with `build_demo(path, today)` and read back with plain sqlite3, as another
tool would see it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from board.domain.codes import BLOCKER_CATEGORIES, CATEGORIES, STAGE_DATE_COLUMNS, STAGES
from board.store.demo import build_demo
from board.store.migrations import SCHEMA_VERSION

TODAYS = [date(2023, 9, 1), date(2026, 11, 29), date(2024, 2, 29)]
SPEAKING_ORDER = [
    "规划建设局",
    "农工部",
    "公安局",
    "公用事业局",
    "招商局",
    "土地局",
    "环保局",
    "治安分局",
    "创业中心",
]


@pytest.fixture(scope="module", params=TODAYS, ids=str)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[sqlite3.Connection, date]]:
    today: date = request.param
    path = tmp_path_factory.mktemp(f"demo-{today}") / "demo.db"
    counts = build_demo(path, today)
    conn = sqlite3.connect(path)
    for table, count in counts.items():
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count, table
    yield conn, today
    conn.close()


def scalar(conn: sqlite3.Connection, sql: str, *args: object) -> object:
    return conn.execute(sql, args).fetchone()[0]


def column(conn: sqlite3.Connection, sql: str, *args: object) -> list[object]:
    return [row[0] for row in conn.execute(sql, args)]


def days(a: str, b: date) -> int:
    return (date.fromisoformat(a) - b).days


def test_file_is_consistent(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, _today = demo
    assert scalar(conn, "PRAGMA integrity_check") == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert scalar(conn, "SELECT value FROM board_meta WHERE key = 'schema_version'") == str(
        SCHEMA_VERSION
    )
    assert scalar(conn, "PRAGMA journal_mode") == "wal"


def test_every_stage_and_category(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, _today = demo
    assert set(column(conn, "SELECT DISTINCT stage FROM projects")) == set(STAGES)
    assert set(column(conn, "SELECT DISTINCT category FROM projects")) == set(CATEGORIES)


def test_departments_in_speaking_order(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, _today = demo
    names = column(conn, "SELECT name FROM departments ORDER BY sort_order, id")
    assert len(names) == 14
    assert names[:9] == SPEAKING_ORDER
    villages = column(
        conn, "SELECT name FROM departments WHERE kind = 'village' ORDER BY sort_order"
    )
    assert names[9:] == villages and len(villages) == 5
    assert {"赵家坟村", "祝庄子村"} <= set(villages)
    assert len(set(column(conn, "SELECT sort_order FROM departments"))) == 14


def test_every_department_has_pledges(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, _today = demo
    without = column(
        conn,
        "SELECT name FROM departments d WHERE NOT EXISTS "
        "(SELECT 1 FROM pledges p WHERE p.department_id = d.id)",
    )
    assert without == []


def test_pledges_in_every_light(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, today = demo
    pledges = conn.execute("SELECT due_on, status, done_on FROM pledges").fetchall()
    open_ = [due for due, status, _ in pledges if status not in ("done", "dropped") and due]
    overdue = [due for due in open_ if days(due, today) < 0]
    due_soon = [due for due in open_ if 0 <= days(due, today) <= 3]
    later = [due for due in open_ if days(due, today) > 3]
    done = [(due, done_on) for due, status, done_on in pledges if status == "done"]
    assert overdue and due_soon and later and done
    # A done pledge says when, and not in the future.
    assert all(done_on and days(done_on, today) <= 0 for _due, done_on in done)
    statuses = set(column(conn, "SELECT DISTINCT status FROM pledges"))
    assert {"open", "in_progress", "done"} <= statuses


def test_signed_projects_float_for_every_light(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, today = demo
    floating = [
        -days(signed_on, today)
        for (signed_on,) in conn.execute("SELECT signed_on FROM projects WHERE stage = 'signed'")
    ]
    assert any(d < 90 for d in floating)
    assert any(90 <= d < 180 for d in floating)
    assert any(d > 180 for d in floating)


def test_stage_dates_follow_the_stage(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, today = demo
    conn.row_factory = sqlite3.Row
    try:
        for project in conn.execute("SELECT * FROM projects"):
            reached = STAGES.index(project["stage"])
            dates = [project[STAGE_DATE_COLUMNS[s]] for s in STAGES]
            assert all(dates[: reached + 1]), project["name"]
            assert not any(dates[reached + 1 :]), project["name"]
            assert dates[: reached + 1] == sorted(dates[: reached + 1]), project["name"]
            assert days(dates[reached], today) <= 0, project["name"]
            assert 0 <= project["progress"] <= 100
    finally:
        conn.row_factory = None


def test_blockers_in_every_category(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, today = demo
    assert set(column(conn, "SELECT DISTINCT category FROM blockers")) == set(BLOCKER_CATEGORIES)
    resolved = column(conn, "SELECT resolved_on FROM blockers WHERE resolved_on IS NOT NULL")
    assert resolved and all(days(r, today) <= 0 for r in resolved)
    open_overdue = scalar(
        conn, "SELECT count(*) FROM blockers WHERE resolved_on IS NULL AND due_on < ?", str(today)
    )
    assert open_overdue


def test_startup_centre_building_goal(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, _today = demo
    notes = column(
        conn,
        "SELECT g.target_note FROM sprint_goals g JOIN projects p ON p.id = g.project_id "
        "WHERE p.name = '创业中心大楼'",
    )
    assert notes == ["年内完成基础框架工程"]


def test_a_meeting_today_and_one_two_weeks_back(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, today = demo
    assert conn.execute("SELECT held_on, title FROM meetings ORDER BY held_on").fetchall() == [
        ((today - timedelta(days=14)).isoformat(), "项目建设推进会"),
        (today.isoformat(), "项目建设调度会"),
    ]


def test_the_fortnight_since_the_last_meeting_is_in_the_log(
    demo: tuple[sqlite3.Connection, date],
) -> None:
    """So that 自上次调度会以来 shows real changes on a demo's first run."""
    conn, today = demo
    start = (today - timedelta(days=14)).isoformat()
    kinds = set(
        conn.execute(
            "SELECT table_name, action, coalesce(column_name, '') FROM change_log "
            "WHERE at >= ? AND at <= ?",
            (start, f"{today.isoformat()} 23:59:59"),
        ).fetchall()
    )
    assert ("pledges", "update", "status") in kinds  # pledges done since
    assert ("pledges", "insert", "") in kinds  # pledges made at today's meeting
    assert ("blockers", "update", "resolved_on") in kinds
    # Every pledge done since the earlier meeting is logged as done, on its day.
    done = column(
        conn,
        "SELECT id FROM pledges WHERE status = 'done' AND done_on >= ? ORDER BY id",
        start,
    )
    logged = column(
        conn,
        "SELECT row_id FROM change_log WHERE table_name = 'pledges' AND column_name = 'status' "
        "AND new_value = 'done' ORDER BY row_id",
    )
    assert done and logged == done


def test_sprint_runs_to_season_end(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, today = demo
    meta = dict(conn.execute("SELECT key, value FROM board_meta"))
    ((starts_on, ends_on),) = conn.execute("SELECT starts_on, ends_on FROM sprints").fetchall()
    assert starts_on == (today - timedelta(days=56)).isoformat()  # eight weeks of history
    assert ends_on == meta["season_end"]
    assert 80 <= days(meta["season_end"], today) <= 100  # about three months
    assert meta["year_end"] == f"{today.year}-12-31"  # 距年底 counts to 31 December
    assert meta["zone_name"]


def test_every_project_has_a_sprint_goal(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, _today = demo
    without = column(
        conn,
        "SELECT name FROM projects p WHERE NOT EXISTS "
        "(SELECT 1 FROM sprint_goals g WHERE g.project_id = p.id)",
    )
    assert without == []


def test_extra_projects_for_scale(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    small = build_demo(tmp_path / "small.db", date(2023, 9, 1))
    counts = build_demo(path, date(2023, 9, 1), extra_projects=500)
    assert counts["projects"] == small["projects"] + 500
    assert counts["pledges"] == small["pledges"] + 500 * 5
    conn = sqlite3.connect(path)
    try:
        assert scalar(conn, "SELECT count(*) FROM projects") == counts["projects"]
        per_project = column(
            conn,
            "SELECT count(pl.id) FROM projects p LEFT JOIN pledges pl ON pl.project_id = p.id "
            "WHERE p.code LIKE 'SYN-%' GROUP BY p.id",
        )
        assert len(per_project) == 500 and set(per_project) == {5}
        assert (
            scalar(conn, "SELECT count(DISTINCT project_id) FROM sprint_goals")
            == (counts["projects"])
        )
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert set(column(conn, "SELECT DISTINCT stage FROM projects")) == set(STAGES)
    finally:
        conn.close()


def test_rebuild_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    first = date(2023, 9, 1)
    build_demo(path, first, extra_projects=20)
    # Another tool writes to the old file and keeps its connection (and the WAL) open.
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("INSERT INTO departments (name, kind) VALUES ('旧库标记', 'enterprise')")
    second = first + timedelta(days=30)
    counts = build_demo(path, second)

    def check() -> None:
        conn = sqlite3.connect(path)
        try:
            assert scalar(conn, "PRAGMA integrity_check") == "ok"
            assert scalar(conn, "SELECT count(*) FROM departments WHERE name = '旧库标记'") == 0
            assert scalar(conn, "SELECT count(*) FROM projects") == counts["projects"]
            assert column(conn, "SELECT max(held_on) FROM meetings") == [second.isoformat()]
        finally:
            conn.close()

    check()
    writer.close()
    check()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".building")]
    assert leftovers == []


def test_build_reports_counts(tmp_path: Path) -> None:
    counts = build_demo(tmp_path / "demo.db", date(2024, 2, 29))
    assert counts["departments"] == 14
    assert counts["meetings"] == 2 and counts["sprints"] == 1
    assert counts["projects"] >= 20 and counts["pledges"] >= 40 and counts["blockers"] >= 6


def test_landed_and_started_projects_have_milestones(demo: tuple[sqlite3.Connection, date]) -> None:
    conn, today = demo
    per_project = dict(
        conn.execute(
            "SELECT p.code, count(m.id) FROM projects p LEFT JOIN milestones m "
            "ON m.project_id = p.id WHERE p.stage IN ('landed', 'started') GROUP BY p.id"
        ).fetchall()
    )
    assert per_project and all(3 <= n <= 6 for n in per_project.values()), per_project
    day = today.isoformat()
    week = (today + timedelta(days=7)).isoformat()
    done = scalar(conn, "SELECT count(*) FROM milestones WHERE done_on IS NOT NULL")
    overdue = scalar(
        conn, f"SELECT count(*) FROM milestones WHERE done_on IS NULL AND due_on < '{day}'"
    )
    this_week = scalar(
        conn,
        "SELECT count(*) FROM milestones WHERE done_on IS NULL "
        f"AND due_on BETWEEN '{day}' AND '{week}'",
    )
    assert done > 0 and overdue > 0 and this_week > 0
    names = set(column(conn, "SELECT DISTINCT name FROM milestones"))
    assert {"土地摘牌", "施工许可", "主体封顶"} <= names
