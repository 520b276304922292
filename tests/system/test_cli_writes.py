"""The data commands (`board pledge|project|blocker|meeting ...`), run for real.

Each test runs `python -m board ...` in a child process against a demo database in tmp_path
(with $BOARD_LANG unset and, unless a test says otherwise, $BOARD_DB pointing at that file), then
reads the file back with plain `sqlite3`: no board code decides whether the write happened.
Bad values must give one line on stderr, exit 2 and leave every table exactly as it was.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board.i18n import zh_cn
from tests.conftest import TODAY

ZH = zh_cn.STRINGS
PREFIX = ZH["err.prefix"]
DAY = TODAY.isoformat()  # 2026-11-29, the demo's today
BAD_INPUT = 2


# --- helpers -----------------------------------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOARD_DB", "BOARD_LANG")}
    return {**env, **extra}


def board(*args: str | bytes, db: Path | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m board ARGS` with $BOARD_DB=db (unset when db is None)."""
    extra = {"BOARD_DB": str(db)} if db is not None else {}
    return subprocess.run(
        [sys.executable, "-m", "board", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(**extra),
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def ok_line(result: subprocess.CompletedProcess[str]) -> str:
    """The command succeeded and printed exactly one line; return it."""
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    return lines[0]


def ok_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(ok_line(result))


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """Refused the way a user should see it: exit 2, one stderr line, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == BAD_INPUT, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    assert lines[0].startswith(PREFIX)
    return lines[0]


def zh(key: str, **values: object) -> str:
    return ZH[key].format(**values)


def query(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def one(db: Path, sql: str, *params: object) -> Any:
    rows = query(db, sql, *params)
    assert len(rows) == 1, rows
    return rows[0] if len(rows[0]) > 1 else rows[0][0]


def log_count(db: Path) -> int:
    return int(one(db, "SELECT count(*) FROM change_log"))


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for 'nothing was written' comparisons."""
    con = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        ]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        con.close()


def log_rows(db: Path, table: str, row_id: int) -> list[tuple[Any, ...]]:
    return query(
        db,
        "SELECT action, column_name, old_value, new_value FROM change_log "
        "WHERE table_name = ? AND row_id = ? ORDER BY id",
        table,
        row_id,
    )


def dept_id(db: Path, name: str) -> int:
    return int(one(db, "SELECT id FROM departments WHERE name = ?", name))


def project_id(db: Path, code: str) -> int:
    return int(one(db, "SELECT id FROM projects WHERE code = ?", code))


def open_blocker(db: Path) -> int:
    return int(query(db, "SELECT id FROM blockers WHERE resolved_on IS NULL ORDER BY id")[0][0])


def open_pledge(db: Path) -> int:
    return int(
        query(db, "SELECT id FROM pledges WHERE status IN ('open', 'in_progress') ORDER BY id")[0][
            0
        ]
    )


VILLAGES = ("赵家坟村", "祝庄子村", "前屯村", "小王庄村", "东柳河村")


# --- pledges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dept", "project", "as_json"),
    [("土地局", "KF-01", False), ("土地", "2", True), ("6", None, False)],
    ids=["full-name+code", "short-name+project-id", "dept-id"],
)
def test_pledge_add(
    demo_db: Path, tmp_path: Path, dept: str, project: str | None, as_json: bool
) -> None:
    before = log_count(demo_db)
    args = ["pledge", "add", "--dept", dept, "--due", "2026-12-15", "--note", "周五前"]
    args += ["--project", project] if project else []
    args += ["--json"] if as_json else []
    result = board(*args, "新增表态：完成用地预审", db=demo_db, cwd=tmp_path)
    if as_json:
        data = ok_json(result)
        assert data["action"] == "added" and data["table"] == "pledges"
        assert data["department"] == "土地局"
        assert data["content"] == "新增表态：完成用地预审"
        new_id = data["id"]
    else:
        line = ok_line(result)
        assert line.startswith("已新增表态 #")
        assert "土地局" in line and "新增表态：完成用地预审" in line and "2026-12-15" in line
        new_id = int(line.split("#")[1].split("：")[0])
    row = one(
        demo_db,
        "SELECT department_id, project_id, meeting_id, content, due_on, status, done_on, note "
        "FROM pledges WHERE id = ?",
        new_id,
    )
    expected_project = {None: None, "KF-01": project_id(demo_db, "KF-01"), "2": 2}[project]
    assert row == (
        dept_id(demo_db, "土地局"),
        expected_project,
        2,  # the demo's current meeting (held today; meeting 1 was two weeks ago)
        "新增表态：完成用地预审",
        "2026-12-15",
        "open",
        None,
        "周五前",
    )
    assert log_count(demo_db) == before + 1
    assert log_rows(demo_db, "pledges", new_id) == [
        ("insert", None, None, "新增表态：完成用地预审")
    ]


def test_pledge_add_attaches_to_the_current_meeting_not_a_planned_one(
    demo_db: Path, tmp_path: Path
) -> None:
    meeting = ok_json(
        board(
            "meeting", "new", "--title", "第二次调度会", "--date", "2026-12-06", "--json",
            db=demo_db, cwd=tmp_path,
        )
    )  # fmt: skip
    assert meeting == {
        "action": "added",
        "table": "meetings",
        "id": meeting["id"],
        "title": "第二次调度会",
        "held_on": "2026-12-06",
    }
    assert one(demo_db, "SELECT held_on, title FROM meetings WHERE id = ?", meeting["id"]) == (
        "2026-12-06",
        "第二次调度会",
    )
    assert one(demo_db, "SELECT count(*) FROM meetings") == 3

    # Before its day the planned meeting takes no pledges: they go to the current one.
    before = ok_json(
        board("--today", "2026-12-01", "pledge", "add", "--dept", "招商局", "--due",
              "2026-12-20", "--json", "会前补充", db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert one(demo_db, "SELECT meeting_id FROM pledges WHERE id = ?", before["id"]) == 2
    # On its day it is the current meeting.
    added = ok_json(
        board("--today", "2026-12-06", "pledge", "add", "--dept", "招商局", "--due",
              "2026-12-20", "--json", "跟进签约", db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert (
        one(demo_db, "SELECT meeting_id FROM pledges WHERE id = ?", added["id"]) == (meeting["id"])
    )
    # An explicit --meeting still wins.
    older = ok_json(
        board("pledge", "add", "--dept", "招商局", "--due", "2026-12-20", "--meeting", "1",
              "--json", "补记上次的表态", db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert one(demo_db, "SELECT meeting_id FROM pledges WHERE id = ?", older["id"]) == 1


def test_meeting_new_defaults_to_today(demo_db: Path, tmp_path: Path) -> None:
    line = ok_line(board("--today", "2026-12-13", "meeting", "new", "--title", "周例会",
                         db=demo_db, cwd=tmp_path))  # fmt: skip
    assert line.startswith("已新增调度会 #3")
    assert one(demo_db, "SELECT held_on, title FROM meetings WHERE id = 3") == (
        "2026-12-13",
        "周例会",
    )


def test_pledge_done_with_note(demo_db: Path, tmp_path: Path) -> None:
    pid = open_pledge(demo_db)
    before = log_count(demo_db)
    line = ok_line(
        board("--today", DAY, "pledge", "done", str(pid), "--note", "已交付",
              db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert line.startswith(f"已修改表态 #{pid}")
    assert one(demo_db, "SELECT status, done_on, note FROM pledges WHERE id = ?", pid) == (
        "done",
        DAY,
        "已交付",
    )
    changed = log_rows(demo_db, "pledges", pid)[-3:]
    assert {(c[0], c[1], c[3]) for c in changed} == {
        ("update", "status", "done"),
        ("update", "done_on", DAY),
        ("update", "note", "已交付"),
    }
    assert log_count(demo_db) == before + 3  # one row per changed column

    # Done again: nothing to change, still one line (JSON here), nothing logged.
    again = ok_json(board("--today", DAY, "pledge", "done", str(pid), "--json",
                          db=demo_db, cwd=tmp_path))  # fmt: skip
    assert again == {"action": "unchanged", "table": "pledges", "id": pid}
    assert log_count(demo_db) == before + 3


def test_pledge_done_again_keeps_the_day_it_was_done(demo_db: Path, tmp_path: Path) -> None:
    # 销号 twice must not move done_on to today: that would rewrite history (and scores).
    pid, done_on = one(
        demo_db,
        "SELECT id, done_on FROM pledges WHERE status = 'done' AND done_on < ? LIMIT 1",
        DAY,
    )
    before = log_count(demo_db)
    line = ok_line(board("--today", DAY, "pledge", "done", str(pid), db=demo_db, cwd=tmp_path))
    assert line == zh("write.unchanged", what="表态", id=pid)
    ok_line(board("--today", DAY, "pledge", "set", str(pid), "--status", "已完成", "--note",
                  "复核", db=demo_db, cwd=tmp_path))  # fmt: skip
    assert one(demo_db, "SELECT status, done_on, note FROM pledges WHERE id = ?", pid) == (
        "done",
        done_on,
        "复核",
    )
    assert log_count(demo_db) == before + 1  # the note only


def test_pledge_set_fields_and_chinese_status(demo_db: Path, tmp_path: Path) -> None:
    pid = open_pledge(demo_db)
    before = log_count(demo_db)
    data = ok_json(
        board("--today", DAY, "pledge", "set", str(pid), "--status", "已完成", "--due",
              "2026-12-31", "--content", "  改写后的表态  ", "--note", "会上确认", "--json",
              db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert data["action"] == "updated" and data["id"] == pid
    assert data["status"] == "done"
    row = one(
        demo_db, "SELECT status, done_on, due_on, content, note FROM pledges WHERE id = ?", pid
    )
    assert row == ("done", DAY, "2026-12-31", "改写后的表态", "会上确认")
    assert log_count(demo_db) == before + 5

    # Reopening clears done_on.
    line = ok_line(board("pledge", "set", str(pid), "--status", "推进中", db=demo_db, cwd=tmp_path))
    assert line.startswith(f"已修改表态 #{pid}")
    assert one(demo_db, "SELECT status, done_on FROM pledges WHERE id = ?", pid) == (
        "in_progress",
        None,
    )


def test_report_is_one_line_with_line_breaks_in_values(demo_db: Path, tmp_path: Path) -> None:
    # Notes and contents may hold line breaks (pasted text); the report is still one line,
    # while the database keeps the text as typed.
    text = "第一行\n第二行\r\n第三行\x0c\u2028\x1b[31m"
    line = ok_line(board("pledge", "add", "--dept", "土地局", "--due", DAY, "--note", text, text,
                         db=demo_db, cwd=tmp_path))  # fmt: skip
    new_id = int(line.split("#")[1].split("：")[0])
    assert "\x1b" not in line
    assert one(demo_db, "SELECT content, note FROM pledges WHERE id = ?", new_id) == (
        text.strip(),
        text,
    )
    data = ok_json(board("pledge", "set", str(new_id), "--note", "甲\n乙", "--json",
                         db=demo_db, cwd=tmp_path))  # fmt: skip
    assert data["note"] == "甲\n乙"


def add_sql_pledges(db: Path) -> None:
    """Extra pledges (written by plain sqlite3) that the overdue filter must tell apart."""
    land, police = dept_id(db, "土地局"), dept_id(db, "公安局")
    con = sqlite3.connect(db)
    con.executemany(
        "INSERT INTO pledges (department_id, content, due_on, status, done_on) VALUES (?,?,?,?,?)",
        [
            (land, "土地局 逾期未完成", "2026-11-01", "open", None),
            (land, "土地局 逾期已完成", "2026-11-01", "done", "2026-11-02"),
            (land, "土地局 逾期已撤销", "2026-11-02", "dropped", None),
            (land, "土地局 今天到期", DAY, "open", None),
            (police, "公安局 逾期未完成", "2026-11-01", "open", None),
        ],
    )
    con.commit()
    con.close()


def test_pledge_list_dept_overdue(demo_db: Path, tmp_path: Path) -> None:
    add_sql_pledges(demo_db)
    expected = {
        r[0]
        for r in query(
            demo_db,
            "SELECT p.id FROM pledges p JOIN departments d ON d.id = p.department_id "
            "WHERE d.name = '土地局' AND p.status NOT IN ('done', 'dropped') AND p.due_on < ?",
            DAY,
        )
    }
    assert len(expected) >= 2
    args = ("--today", DAY, "pledge", "list", "--dept", "土地局", "--overdue")
    data = json.loads(board(*args, "--json", db=demo_db, cwd=tmp_path).stdout)
    assert {p["id"] for p in data} == expected
    assert all(p["department"] == "土地局" and p["light"] == "red" for p in data)

    text = board(*args, db=demo_db, cwd=tmp_path)
    assert text.returncode == 0 and text.stderr == ""
    lines = text.stdout.splitlines()
    assert {int(line.split()[0]) for line in lines} == expected
    assert all("土地局" in line and "逾期" in line for line in lines)

    # Without --overdue the department's other pledges come back too (and only its own).
    everything = json.loads(
        board("--today", DAY, "pledge", "list", "--dept", "土地", "--json",
              db=demo_db, cwd=tmp_path).stdout
    )  # fmt: skip
    all_land = {
        r[0]
        for r in query(demo_db, "SELECT id FROM pledges WHERE department_id = ?",
                       dept_id(demo_db, "土地局"))
    }  # fmt: skip
    assert {p["id"] for p in everything} == all_land
    assert expected < all_land


# --- projects ----------------------------------------------------------------------------------


def test_project_add(demo_db: Path, tmp_path: Path) -> None:
    before = log_count(demo_db)
    data = ok_json(
        board("project", "add", "--code", "KF-99", "--name", "新材料产业园二期",
              "--category", "招商引资", "--stage", "落地", "--progress", "5%", "--lead", "土地",
              "--total", "12,000", "--year-plan", "3000", "--planned-start", "2027-03-01",
              "--stage-date", "signed=2026-10-01", "--stage-date", "landed=2026-11-20",
              "--json", db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert data["action"] == "added" and data["table"] == "projects"
    row = one(
        demo_db,
        "SELECT id, name, category, stage, progress, lead_department_id, total_investment, "
        "year_plan_investment, planned_start_on, signed_on, landed_on FROM projects "
        "WHERE code = 'KF-99'",
    )
    assert row == (
        data["id"],
        "新材料产业园二期",
        "investment",
        "landed",
        5,
        dept_id(demo_db, "土地局"),
        12000.0,
        3000.0,
        "2027-03-01",
        "2026-10-01",
        "2026-11-20",
    )
    assert log_count(demo_db) == before + 1

    line = ok_line(
        board("project", "add", "--code", "KF-98", "--name", "配套道路", "--category",
              "infrastructure", db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert line.startswith("已新增项目 #") and "KF-98" in line
    assert one(demo_db, "SELECT category, stage, progress FROM projects WHERE code = 'KF-98'") == (
        "infrastructure",
        "signed",
        0,
    )


def test_project_set_stage_stamps_today(demo_db: Path, tmp_path: Path) -> None:
    pid = project_id(demo_db, "KF-09")
    assert one(demo_db, "SELECT stage, started_on FROM projects WHERE id = ?", pid) == (
        "landed",
        None,
    )
    before = log_count(demo_db)
    line = ok_line(
        board("--today", DAY, "project", "set", "KF-09", "--stage", "开工", "--progress", "12",
              "--note", "桩基施工", db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert line.startswith(f"已修改项目 #{pid}")
    assert one(
        demo_db, "SELECT stage, started_on, progress, progress_note FROM projects WHERE id = ?", pid
    ) == ("started", DAY, 12, "桩基施工")
    assert {r[1] for r in log_rows(demo_db, "projects", pid)[-4:]} == {
        "stage",
        "started_on",
        "progress",
        "progress_note",
    }
    assert log_count(demo_db) == before + 4


def test_project_set_by_id_keeps_given_stage_date(demo_db: Path, tmp_path: Path) -> None:
    pid = project_id(demo_db, "KF-10")
    data = ok_json(
        board("--today", DAY, "project", "set", str(pid), "--stage", "started",
              "--stage-date", "started=2026-11-20", "--json", db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert data["id"] == pid and data["started_on"] == "2026-11-20"
    assert one(demo_db, "SELECT stage, started_on FROM projects WHERE id = ?", pid) == (
        "started",
        "2026-11-20",
    )
    # A project that already has the date keeps it.
    kf01 = project_id(demo_db, "KF-01")
    old = one(demo_db, "SELECT started_on FROM projects WHERE id = ?", kf01)
    assert old is not None
    ok_line(board("--today", DAY, "project", "set", "KF-01", "--stage", "started",
                  "--progress", "36", db=demo_db, cwd=tmp_path))  # fmt: skip
    assert one(demo_db, "SELECT started_on, progress FROM projects WHERE id = ?", kf01) == (
        old,
        36,
    )


def test_project_list_light_red(demo_db: Path, tmp_path: Path) -> None:
    everything = json.loads(
        board("--today", DAY, "project", "list", "--json", db=demo_db, cwd=tmp_path).stdout
    )
    assert len(everything) == one(demo_db, "SELECT count(*) FROM projects")
    red = {p["code"] for p in everything if p["light"] == "red"}
    assert red and len(red) < len(everything)

    red_json = json.loads(
        board("--today", DAY, "project", "list", "--light", "red", "--json",
              db=demo_db, cwd=tmp_path).stdout
    )  # fmt: skip
    assert {p["code"] for p in red_json} == red
    assert all(p["light"] == "red" for p in red_json)

    text = board("--today", DAY, "project", "list", "--light", "red", db=demo_db, cwd=tmp_path)
    assert text.returncode == 0 and text.stderr == ""
    lines = text.stdout.splitlines()
    assert {line.split()[0] for line in lines} == red
    assert all(ZH["light.red"] in line for line in lines)


# --- blockers ----------------------------------------------------------------------------------


def test_blocker_add_and_resolve(demo_db: Path, tmp_path: Path) -> None:
    before = log_count(demo_db)
    data = ok_json(
        board("--today", DAY, "blocker", "add", "KF-03", "--category", "用地", "--dept", "土地",
              "--due", "2026-12-31", "--json", "征地补偿未到位", db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert data["action"] == "added" and data["table"] == "blockers"
    bid = data["id"]
    assert one(
        demo_db,
        "SELECT project_id, department_id, category, description, opened_on, due_on, "
        "resolved_on FROM blockers WHERE id = ?",
        bid,
    ) == (
        project_id(demo_db, "KF-03"),
        dept_id(demo_db, "土地局"),
        "land",
        "征地补偿未到位",
        DAY,
        "2026-12-31",
        None,
    )
    assert log_count(demo_db) == before + 1

    # By project id, no department or due date.
    line = ok_line(
        board("--today", DAY, "blocker", "add", "5", "--category", "funds", "资金缺口",
              db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert line.startswith("已新增问题 #") and "KF-05" in line
    assert one(
        demo_db, "SELECT project_id, category FROM blockers WHERE description = '资金缺口'"
    ) == (
        5,
        "funds",
    )

    line = ok_line(
        board("--today", DAY, "blocker", "resolve", str(bid), "--note", "补偿款已拨付",
              db=demo_db, cwd=tmp_path)
    )  # fmt: skip
    assert line.startswith(f"已销号问题 #{bid}")
    assert one(demo_db, "SELECT resolved_on, note FROM blockers WHERE id = ?", bid) == (
        DAY,
        "补偿款已拨付",
    )
    assert {(r[1], r[3]) for r in log_rows(demo_db, "blockers", bid)[1:]} == {
        ("resolved_on", DAY),
        ("note", "补偿款已拨付"),
    }
    assert log_count(demo_db) == before + 2 + 2


def test_blocker_resolve_again_keeps_resolved_on(demo_db: Path, tmp_path: Path) -> None:
    bid, resolved_on = one(
        demo_db, "SELECT id, resolved_on FROM blockers WHERE resolved_on < ? LIMIT 1", DAY
    )
    before = log_count(demo_db)
    line = ok_line(board("--today", DAY, "blocker", "resolve", str(bid), "--note", "补记",
                         db=demo_db, cwd=tmp_path))  # fmt: skip
    assert line.startswith(f"已销号问题 #{bid}")
    assert one(demo_db, "SELECT resolved_on, note FROM blockers WHERE id = ?", bid) == (
        resolved_on,
        "补记",
    )
    assert log_count(demo_db) == before + 1
    again = ok_line(board("--today", DAY, "blocker", "resolve", str(bid), db=demo_db, cwd=tmp_path))
    assert again == zh("write.unchanged", what="问题", id=bid)


def test_blocker_resolve_demo_blocker_json(demo_db: Path, tmp_path: Path) -> None:
    bid = open_blocker(demo_db)
    before = log_count(demo_db)
    data = ok_json(
        board("--today", DAY, "blocker", "resolve", str(bid), "--json", db=demo_db, cwd=tmp_path)
    )
    assert data == {"action": "resolved", "table": "blockers", "id": bid, "resolved_on": DAY}
    assert one(demo_db, "SELECT resolved_on, note FROM blockers WHERE id = ?", bid) == (DAY, None)
    assert log_count(demo_db) == before + 1


# --- which database -----------------------------------------------------------------------------


def second_demo(tmp_path: Path) -> Path:
    from board.store.demo import build_demo

    other = tmp_path / "other" / "demo.db"
    other.parent.mkdir()
    build_demo(other, TODAY)
    return other


def test_db_option_overrides_env(demo_db: Path, tmp_path: Path) -> None:
    other = second_demo(tmp_path)
    before = snapshot(other)
    ok_line(board("meeting", "new", "--title", "显式指定", "--db", str(demo_db),
                  db=other, cwd=tmp_path))  # fmt: skip
    assert one(demo_db, "SELECT count(*) FROM meetings WHERE title = '显式指定'") == 1
    assert snapshot(other) == before


def test_db_before_the_group(demo_db: Path, tmp_path: Path) -> None:
    # `board --db X pledge add ...` writes X: $BOARD_DB unset, no data/board.db in cwd.
    # (board.cli.chosen_db looked only one level up, at the `pledge` group, so this went to
    # data/board.db before cli_writes looked further out.)
    ok_line(board("--db", str(demo_db), "pledge", "add", "--dept", "环保局", "--due", DAY,
                  "环评批复", db=None, cwd=tmp_path))  # fmt: skip
    assert one(demo_db, "SELECT count(*) FROM pledges WHERE content = '环评批复'") == 1
    assert not (tmp_path / "data").exists()


def test_db_before_the_group_beats_env_for_list(demo_db: Path, tmp_path: Path) -> None:
    other = second_demo(tmp_path)
    con = sqlite3.connect(demo_db)
    con.execute(
        "INSERT INTO pledges (department_id, content, due_on) VALUES (?, '只在这个库里', ?)",
        (dept_id(demo_db, "环保局"), "2026-12-30"),
    )
    con.commit()
    con.close()
    result = board("--db", str(demo_db), "--today", DAY, "pledge", "list", "--dept", "环保局",
                   "--json", db=other, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "只在这个库里" in {p["content"] for p in json.loads(result.stdout)}


# --- references and bad values: one line, exit 2, nothing written -------------------------------

# (id, args, expected text in the one stderr line). "{pledge}" / "{blocker}" become an open one.
REFUSED: list[tuple[str, list[str], str]] = [
    ("dept-unknown", ["pledge", "add", "--dept", "不存在的局", "--due", DAY, "x"],
     zh("err.unknown_department", ref="不存在的局", candidates="{departments}")),
    ("dept-ambiguous", ["pledge", "add", "--dept", "村", "--due", DAY, "x"],
     zh("err.ambiguous_department", ref="村", candidates="、".join(VILLAGES))),
    ("dept-unknown-id", ["pledge", "add", "--dept", "999", "--due", DAY, "x"], "999"),
    ("project-unknown", ["pledge", "add", "--dept", "土地局", "--due", DAY, "--project",
                         "KF-77", "x"], zh("err.unknown_project", ref="KF-77",
                                           candidates="KF-01、KF-02、KF-03、KF-04、KF-05")),
    ("project-unknown-set", ["project", "set", "NOPE", "--progress", "5"], "NOPE"),
    ("project-unknown-blocker", ["blocker", "add", "NOPE", "--category", "land", "x"], "NOPE"),
    ("meeting-unknown", ["pledge", "add", "--dept", "土地局", "--due", DAY, "--meeting", "99",
                         "x"], zh("err.unknown_meeting", ref=99)),
    ("due-bad", ["pledge", "add", "--dept", "土地局", "--due", "2023-13-45", "x"],
     zh("err.bad_date", value="2023-13-45")),
    ("due-bad-set", ["pledge", "set", "{pledge}", "--due", "2023-13-45"],
     zh("err.bad_date", value="2023-13-45")),
    ("due-bad-blocker", ["blocker", "add", "KF-01", "--category", "land", "--due", "2023-02-30",
                         "x"], zh("err.bad_date", value="2023-02-30")),
    ("progress-120", ["project", "set", "KF-01", "--progress", "120"],
     zh("err.bad_progress", value="120")),
    ("progress-minus-1", ["project", "set", "KF-01", "--progress", "-1"],
     zh("err.bad_progress", value="-1")),
    ("progress-abc", ["project", "set", "KF-01", "--progress", "abc"],
     zh("err.bad_progress", value="abc")),
    ("progress-fraction", ["project", "set", "KF-01", "--progress", "12.5"],
     zh("err.bad_progress", value="12.5")),
    ("stage-bad", ["project", "set", "KF-01", "--stage", "乱写"], "乱写"),
    ("status-bad", ["pledge", "set", "{pledge}", "--status", "nope"], "nope"),
    ("category-bad", ["project", "add", "--code", "KF-97", "--name", "x", "--category", "nope"],
     "nope"),
    ("blocker-category-bad", ["blocker", "add", "KF-01", "--category", "nope", "x"], "nope"),
    ("content-empty", ["pledge", "add", "--dept", "土地局", "--due", DAY, ""],
     zh("err.empty", field=ZH["field.content"])),
    ("content-blank", ["pledge", "add", "--dept", "土地局", "--due", DAY, "   "],
     zh("err.empty", field=ZH["field.content"])),
    ("content-empty-set", ["pledge", "set", "{pledge}", "--status", "done", "--content", ""],
     zh("err.empty", field=ZH["field.content"])),
    ("stage-date-no-equals", ["project", "set", "KF-09", "--stage-date", "started"],
     zh("err.bad_stage_date", value="started")),
    ("stage-date-bad-date", ["project", "set", "KF-09", "--stage", "started", "--stage-date",
                             "started=2026-13-01"], zh("err.bad_date", value="2026-13-01")),
    ("good-and-bad", ["project", "set", "KF-09", "--stage", "started", "--progress", "101"],
     zh("err.bad_progress", value="101")),
    ("pledge-unknown-done", ["pledge", "done", "9999"], zh("err.unknown_pledge", ref=9999)),
    ("pledge-unknown-set", ["pledge", "set", "9999", "--note", "x"],
     zh("err.unknown_pledge", ref=9999)),
    ("pledge-id-not-number", ["pledge", "done", "abc"], "abc"),
    ("blocker-unknown", ["blocker", "resolve", "9999", "--note", "x"],
     zh("err.unknown_blocker", ref=9999)),
    ("duplicate-code", ["project", "add", "--code", "KF-01", "--name", "x", "--category",
                        "investment"], zh("err.duplicate_code", code="KF-01")),
    ("money-bad", ["project", "add", "--code", "KF-96", "--name", "x", "--category",
                   "investment", "--total", "很多"], zh("err.bad_money", value="很多")),
    ("lead-ambiguous", ["project", "add", "--code", "KF-95", "--name", "x", "--category",
                        "investment", "--lead", "村"], "村"),
    ("meeting-title-empty", ["meeting", "new", "--title", " "],
     zh("err.empty", field=ZH["field.title"])),
    ("meeting-date-bad", ["meeting", "new", "--title", "x", "--date", "2023-13-45"],
     zh("err.bad_date", value="2023-13-45")),
    ("pledge-missing-dept", ["pledge", "add", "--due", DAY, "x"], "--dept"),
]  # fmt: skip


@pytest.fixture(scope="module")
def refused_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run every refused case (each on its own fresh demo file) a few at a time."""
    from board.store.demo import build_demo

    def go(case: tuple[str, list[str], str]) -> tuple[str, Any]:
        name, args, _ = case
        where = tmp_path_factory.mktemp(name)
        db = where / "demo.db"
        build_demo(db, TODAY)
        fill = {"{pledge}": str(open_pledge(db)), "{blocker}": str(open_blocker(db))}
        args = [fill.get(a, a) for a in args]
        before = snapshot(db)
        result = board("--today", DAY, *args, db=db, cwd=where)
        return name, (result, before, snapshot(db))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(go, REFUSED))


@pytest.mark.parametrize(("name", "expected"), [(c[0], c[2]) for c in REFUSED],
                         ids=[c[0] for c in REFUSED])  # fmt: skip
def test_refused_and_nothing_written(
    refused_runs: dict[str, Any], name: str, expected: str
) -> None:
    result, before, after = refused_runs[name]
    line = one_line_error(result)
    # The unknown department's message lists every department of the file, in order.
    expected = expected.replace("{departments}", "、".join(r[1] for r in before["departments"]))
    assert expected in line
    assert after == before


# --- many writers at once ----------------------------------------------------------------------

WORKER = """
import os, sys, time
from pathlib import Path
from board.cli import main

db, tag, ready, go = sys.argv[1:5]
Path(ready).touch()
deadline = time.monotonic() + 30
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.005)
failures = 0
for i in range(50):
    try:
        main(["--db", db, "pledge", "add", "--dept", "土地局", "--due", "2026-12-31",
              "--", f"{tag}-{i:02d}"])
    except SystemExit as exc:
        failures += exc.code != 0
sys.exit(1 if failures else 0)
"""


def test_parallel_writers_lose_nothing(demo_db: Path, tmp_path: Path) -> None:
    assert one(demo_db, "PRAGMA journal_mode") == "wal"
    pledges_before = one(demo_db, "SELECT count(*) FROM pledges")
    go = tmp_path / "go"
    readies = [tmp_path / f"ready-{n}" for n in range(4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(demo_db), f"w{n}", str(readies[n]), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=clean_env(),
            stdin=subprocess.DEVNULL,
        )
        for n in range(4)
    ]
    deadline = time.monotonic() + 30
    while not all(r.exists() for r in readies) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # all four start writing together
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower() and "锁定" not in err and "占用" not in err, err
        assert err == ""
        lines = out.splitlines()
        assert len(lines) == 50 and all(line.startswith("已新增表态 #") for line in lines)

    contents = [
        r[0] for r in query(demo_db, "SELECT content FROM pledges WHERE content GLOB 'w[0-3]-*'")
    ]
    assert sorted(contents) == sorted(f"w{n}-{i:02d}" for n in range(4) for i in range(50))
    assert one(demo_db, "SELECT count(*) FROM pledges") == pledges_before + 200
    logged = query(
        demo_db,
        "SELECT new_value, count(*) FROM change_log WHERE table_name = 'pledges' "
        "AND action = 'insert' AND new_value GLOB 'w[0-3]-*' GROUP BY new_value",
    )
    assert len(logged) == 200 and all(count == 1 for _, count in logged)
    assert one(demo_db, "PRAGMA integrity_check") == "ok"


# --- random input, in process --------------------------------------------------------------------


def run_in_process(args: list[str]) -> tuple[int, str, str]:
    from board.cli import main

    out, err = io.StringIO(), io.StringIO()
    code: Any = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code
    return (
        (code if isinstance(code, int) else (0 if code is None else 1)),
        out.getvalue(),
        err.getvalue(),
    )


dept_refs = st.one_of(st.sampled_from(["土地局", "土地", "6", "村", "局", "不存在的局", ""]),
                      st.text(max_size=8))  # fmt: skip
due_values = st.one_of(st.dates().map(lambda d: d.isoformat()), st.text(max_size=12))
progress_values = st.one_of(st.integers(-20, 130).map(str), st.text(max_size=6))


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(content=st.text(max_size=30), dept=dept_refs, due=due_values, progress=progress_values)
def test_random_values_never_crash_or_half_write(
    demo_db: Path, content: str, dept: str, due: str, progress: str
) -> None:
    commands = [
        ["pledge", "add", "--dept", dept, "--due", due, "--", content],
        ["project", "set", "KF-02", "--progress", progress, "--note", content],
        ["blocker", "add", "KF-02", "--category", "other", "--dept", dept, "--", content],
    ]
    for args in commands:
        before = snapshot(demo_db)
        code, out, err = run_in_process(["--db", str(demo_db), "--today", DAY, *args])
        assert code in (0, BAD_INPUT), (args, code, err)
        assert "Traceback" not in err, err
        if code == BAD_INPUT:
            assert err.startswith(PREFIX) and out == "", (args, err)
            assert snapshot(demo_db) == before, args
        else:
            assert err == "" and len(out.splitlines()) == 1, (args, out)


# --- known gaps (outside the files this suite may change) ---------------------------------------


def test_newline_in_a_reference_still_one_line(demo_db: Path, tmp_path: Path) -> None:
    before = snapshot(demo_db)
    result = board("pledge", "add", "--dept", "土地\n局", "--due", DAY, "x",
                   db=demo_db, cwd=tmp_path)  # fmt: skip
    assert snapshot(demo_db) == before
    one_line_error(result)


def test_undecodable_content_is_a_bad_value(demo_db: Path, tmp_path: Path) -> None:
    before = snapshot(demo_db)
    gbk = "土地预审".encode("gbk")
    result = board("pledge", "add", "--dept", "土地局", "--due", DAY, gbk,
                   db=demo_db, cwd=tmp_path)  # fmt: skip
    assert snapshot(demo_db) == before
    one_line_error(result)
