"""关键节点: lights at their boundaries, an overdue milestone turning its project 黄, schema 3 →
4 with triggers that record any tool's writes, the CLI, and a board that stays live."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from board.domain.snapshot import Milestone, Project
from board.domain.status import Light, milestone_light, project_status
from board.i18n import zh_cn
from board.store.engine import make_engine
from board.store.migrations import STEPS, create_v1
from board.store.source import SnapshotSource
from board.view.board import Board
from tests.conftest import TODAY, run_cli, write_sql

ZH = zh_cn.STRINGS


@pytest.mark.parametrize(
    ("due", "done", "light"),
    [
        (-1, None, Light.RED),
        (0, None, Light.AMBER),
        (7, None, Light.AMBER),
        (8, None, Light.GREEN),
        (-30, -31, Light.DONE),
        (None, None, Light.GREEN),
    ],
)
def test_milestone_light_at_its_boundaries(due: int | None, done: int | None, light: Light) -> None:
    day = date(2026, 12, 1)
    milestone = Milestone(
        id=1,
        project_id=1,
        name="施工许可",
        due_on=None if due is None else day + timedelta(days=due),
        done_on=None if done is None else day + timedelta(days=done),
    )
    assert milestone_light(milestone, day) is light


def test_an_overdue_milestone_makes_a_green_project_amber() -> None:
    day = date(2026, 12, 1)
    project = Project(
        id=1, code="KF-01", name="x", category="investment", stage="started", progress=50
    )
    late = Milestone(id=1, project_id=1, name="主体封顶", due_on=day - timedelta(days=1))
    done = Milestone(id=2, project_id=1, name="施工许可", due_on=day - timedelta(days=9),
                     done_on=day - timedelta(days=10))  # fmt: skip
    assert project_status(project, None, None, (), day).light is Light.GREEN
    assert project_status(project, None, None, (), day, milestones=(done,)).light is Light.GREEN
    status = project_status(project, None, None, (), day, milestones=(done, late))
    assert status.light is Light.AMBER and "milestone_overdue" in status.reasons
    assert ZH["reason.milestone_overdue"]


def make_v3(path: Path) -> Path:
    engine = make_engine(path, read_only=False)
    with engine.begin() as conn:
        create_v1(conn)
        for version in (2, 3):
            STEPS[version](conn)
        conn.exec_driver_sql("UPDATE board_meta SET value = '3' WHERE key = 'schema_version'")
        conn.exec_driver_sql("INSERT INTO departments (name) VALUES ('规划建设局')")
        conn.exec_driver_sql(
            "INSERT INTO projects (code, name, category) "
            "VALUES ('KF-01', '创业中心大楼', 'investment')"
        )
    engine.dispose()
    return path


def test_migrate_3_to_4_and_the_triggers_record_sqlite3_writes(tmp_path: Path) -> None:
    db = make_v3(tmp_path / "v3.db")
    done = run_cli("migrate", "--db", str(db), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ZH["cli.migrated"].format(path=db, old=3, new=4) in done.stdout
    write_sql(
        db,
        "INSERT INTO milestones (project_id, name, due_on) VALUES (1, '土地摘牌', '2026-12-10');"
        "UPDATE milestones SET done_on = '2026-12-01' WHERE id = 1;",
    )
    con = sqlite3.connect(db)
    try:
        log = con.execute(
            "SELECT action, column_name, old_value, new_value FROM change_log "
            "WHERE table_name = 'milestones' ORDER BY id"
        ).fetchall()
        version = con.execute("SELECT version FROM milestones WHERE id = 1").fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError):
            con.execute("INSERT INTO milestones (project_id, name) VALUES (1, '')")
    finally:
        con.close()
    assert log == [("insert", None, None, "土地摘牌"), ("update", "done_on", None, "2026-12-01")]
    assert version == 2


def test_the_cli_adds_lists_and_closes_milestones(demo_db: Path, tmp_path: Path) -> None:
    day = TODAY.isoformat()
    due = (TODAY + timedelta(days=3)).isoformat()
    late = (TODAY - timedelta(days=2)).isoformat()
    first_id = json.loads(
        run_cli(
            "--today", day, "milestone", "list", "--db", str(demo_db), "--json", cwd=tmp_path
        ).stdout
    )  # the demo's own milestones: ours come after them
    ours = {m["id"] for m in first_id}
    added = run_cli("milestone", "add", "--db", str(demo_db), "KF-06", "--due", due, "--dept",
                    "规划建设局", "施工许可", cwd=tmp_path)  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "名称：施工许可" in added.stdout and "部门：规划建设局" in added.stdout
    overdue = run_cli("milestone", "add", "--db", str(demo_db), "KF-06", "--due", late,
                      "主体封顶", "--json", cwd=tmp_path)  # fmt: skip
    late_id = json.loads(overdue.stdout)["id"]
    listed = run_cli("--today", day, "milestone", "list", "--db", str(demo_db), "--json",
                     cwd=tmp_path)  # fmt: skip
    rows = [r for r in json.loads(listed.stdout) if r["id"] not in ours]
    assert [r["name"] for r in rows] == ["主体封顶", "施工许可"]  # red first
    assert [r["light"] for r in rows] == ["red", "amber"]
    only = run_cli("--today", day, "milestone", "list", "--db", str(demo_db), "--overdue",
                   "--json", cwd=tmp_path)  # fmt: skip
    overdue_rows = [r for r in json.loads(only.stdout) if r["id"] not in ours]
    assert [r["name"] for r in overdue_rows] == ["主体封顶"]
    assert all(r["light"] == "red" for r in json.loads(only.stdout))
    closed = run_cli("--today", day, "milestone", "done", str(late_id), "--db", str(demo_db),
                     cwd=tmp_path)  # fmt: skip
    assert closed.returncode == 0 and closed.stdout.startswith("已完成关键节点")
    refused = run_cli("milestone", "add", "--db", str(demo_db), "KF-99", "--due", due, "x",
                      cwd=tmp_path)  # fmt: skip
    assert refused.returncode == 2 and "KF-99" in refused.stderr


def test_a_milestone_written_by_another_tool_moves_the_live_board(demo_db: Path) -> None:
    source = SnapshotSource(demo_db)
    try:
        first = source.poll(force=True)
        assert first is not None
        board = Board.build(first, TODAY)
        kf01 = next(p.id for p in first.projects if p.code == "KF-01")
        before = board.status.projects[kf01].light
        late = (TODAY - timedelta(days=3)).isoformat()
        write_sql(demo_db, f"INSERT INTO milestones (project_id, name, due_on) "
                           f"VALUES ({kf01}, '竣工验收', '{late}');")  # fmt: skip
        snapshot = source.poll()
        assert snapshot is not None and snapshot.delta is not None
        patched = Board.build(snapshot, TODAY, board)
        scratch = Board.build(snapshot, TODAY)
        assert patched.status.projects[kf01] == scratch.status.projects[kf01]
        assert patched.status.milestones == scratch.status.milestones
        assert "milestone_overdue" in patched.status.projects[kf01].reasons
        assert patched.status.projects[kf01].light.severity >= max(
            before.severity, Light.AMBER.severity
        )
        assert kf01 in (patched.changed.projects if patched.changed else ())
    finally:
        source.close()


def test_rates_match_a_hand_count_of_the_demo(demo_db: Path) -> None:
    from board.view.kpi import kpi

    day = TODAY.isoformat()
    con = sqlite3.connect(demo_db)
    try:

        def count(where: str) -> int:
            return int(con.execute(f"SELECT count(*) FROM projects WHERE {where}").fetchone()[0])

        start = (
            count(
                f"planned_start_on <= '{day}' AND stage IN ('started', 'completed', 'producing')"
            ),
            count(f"planned_start_on <= '{day}'"),
        )
        complete = (
            count(f"planned_complete_on <= '{day}' AND stage IN ('completed', 'producing')"),
            count(f"planned_complete_on <= '{day}'"),
        )
        produce = (
            count(f"planned_complete_on <= '{day}' AND stage = 'producing'"),
            count(f"planned_complete_on <= '{day}'"),
        )
    finally:
        con.close()
    source = SnapshotSource(demo_db)
    try:
        snapshot = source.poll(force=True)
    finally:
        source.close()
    assert snapshot is not None
    figures = kpi(Board.build(snapshot, TODAY)).rates
    assert (figures.start.done, figures.start.planned) == start
    assert (figures.complete.done, figures.complete.planned) == complete
    assert (figures.produce.done, figures.produce.planned) == produce
    assert start[1] > 0  # the demo has projects due to have started


def test_the_export_gives_the_rates_the_board_shows(demo_db: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from board.view.kpi import kpi

    out = tmp_path / "export.xlsx"
    done = run_cli(
        "export", "--db", str(demo_db), "--today", TODAY.isoformat(), str(out), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    source = SnapshotSource(demo_db)
    try:
        snapshot = source.poll(force=True)
    finally:
        source.close()
    assert snapshot is not None
    figures = kpi(Board.build(snapshot, TODAY)).rates
    sheet = load_workbook(out)["概况"]
    rows = {r[0]: r[1:4] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert TODAY.isoformat() in str(sheet["A1"].value)
    for label, rate in (
        ("开工率", figures.start),
        ("竣工率", figures.complete),
        ("投产率", figures.produce),
    ):
        done_n, planned, share = rows[label]
        assert (done_n, planned) == (rate.done, rate.planned)
        assert share == pytest.approx(rate.done / rate.planned)
    # An import of the same file reads the five sheets and skips 概况: nothing changes.
    again = run_cli("import", "--db", str(demo_db), "--dry-run", str(out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "概况" not in again.stdout + again.stderr


def test_the_milestone_sheet_round_trips(demo_db: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "台账.xlsx"
    done = run_cli("export", str(path), "--db", str(demo_db), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    book = load_workbook(path)
    sheet = book["节点"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["编号", "项目编号", "节点名称", "完成时限"]
    con = sqlite3.connect(demo_db)
    open_id = con.execute("SELECT min(id) FROM milestones WHERE done_on IS NULL").fetchone()[0]
    count = con.execute("SELECT count(*) FROM milestones").fetchone()[0]
    con.close()
    assert sheet.max_row - 1 == count
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == open_id)
    sheet.cell(row, headers.index("完成日期") + 1).value = "2026-11-28"
    new = {
        "项目编号": "KF-01",
        "节点名称": "消防验收",
        "完成时限": "2027-06-30",
        "责任单位": "规划建设局",
    }
    sheet.append([new.get(h) for h in headers])
    book.save(path)
    again = run_cli("import", str(path), "--db", str(demo_db), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    con = sqlite3.connect(demo_db)
    try:
        assert con.execute(
            "SELECT done_on FROM milestones WHERE id = ?", (open_id,)
        ).fetchone() == ("2026-11-28",)
        added = con.execute(
            "SELECT m.due_on, d.name FROM milestones m JOIN projects p ON p.id = m.project_id "
            "JOIN departments d ON d.id = m.department_id "
            "WHERE p.code = 'KF-01' AND m.name = '消防验收' AND m.due_on = '2027-06-30'"
        ).fetchall()
    finally:
        con.close()
    assert added == [("2027-06-30", "规划建设局")]
    # The same file again changes nothing.
    third = run_cli("import", str(path), "--db", str(demo_db), "--json", cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    assert all(s["added"] == 0 and s["updated"] == 0 for s in json.loads(third.stdout)["sheets"])
