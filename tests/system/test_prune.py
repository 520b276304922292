"""`board prune`: old change_log rows go, in one transaction; what the since-report of the
current and the previous meeting needs stays (unless --force); a board reading the file
meanwhile keeps its report; --vacuum gives the space back."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from board.i18n import zh_cn
from board.store.source import SnapshotSource
from board.view.board import Board
from tests.conftest import TODAY, run_cli, write_sql

ZH = zh_cn.STRINGS
# The demo's own meeting is held today: with LAST it makes the two latest held meetings.
EARLIER = (TODAY - timedelta(days=40)).isoformat()  # older still: not protected
LAST = (TODAY - timedelta(days=14)).isoformat()  # the previous meeting
PLANNED = (TODAY + timedelta(days=7)).isoformat()  # not held yet: protects nothing


def history(db: Path) -> None:
    """Two meetings held and one planned, a year of old log rows, and work since each."""
    old = "".join(
        "INSERT INTO change_log (at, table_name, row_id, action, column_name, old_value, "
        f"new_value) VALUES ('{(TODAY - timedelta(days=100 + i)).isoformat()} 10:00:00', "
        "'projects', 1, 'update', 'progress', '1', '2');"
        for i in range(300)
    )
    write_sql(
        db,
        f"""
        BEGIN;
        INSERT INTO meetings (held_on, title) VALUES ('{EARLIER}', '第一次调度会');
        INSERT INTO meetings (held_on, title) VALUES ('{LAST}', '第二次调度会');
        INSERT INTO meetings (held_on, title) VALUES ('{PLANNED}', '第三次调度会');
        {old}
        INSERT INTO change_log (at, table_name, row_id, action, column_name, old_value,
            new_value) VALUES ('{EARLIER} 15:00:00', 'projects', 2, 'update', 'stage',
            'signed', 'landed');
        UPDATE pledges SET status = 'done', done_on = '{TODAY}'
            WHERE id = (SELECT min(id) FROM pledges WHERE status = 'open');
        COMMIT;
        """,
    )


def count(db: Path, where: str = "1") -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(f"SELECT count(*) FROM change_log WHERE {where}").fetchone()[0])
    finally:
        con.close()


def since_of(db: Path) -> object:
    source = SnapshotSource(db)
    try:
        snapshot = source.poll(force=True)
    finally:
        source.close()
    assert snapshot is not None
    report = Board.build(snapshot, TODAY).since
    return report.items, report.projects, report.departments, report.blockers


def test_prune_keeps_what_the_meetings_need(demo_db: Path, tmp_path: Path) -> None:
    history(demo_db)
    total = count(demo_db)
    kept_days = (TODAY - timedelta(days=90)).isoformat()  # the default keeps 90 days
    old = count(demo_db, f"at < '{kept_days}'")
    assert old == 300
    report = since_of(demo_db)
    done = run_cli("--today", TODAY.isoformat(), "prune", "--db", str(demo_db), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith(ZH["prune.done"].split("{")[0])
    assert f"{old} " in lines[0]
    assert count(demo_db) == total - old
    assert count(demo_db, f"at < '{kept_days}'") == 0
    assert since_of(demo_db) == report  # the since-report did not move

    # Keeping no days at all still keeps what the meetings need ...
    done = run_cli(
        "--today", TODAY.isoformat(), "prune", "--db", str(demo_db), "--keep-days", "0",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert ZH["prune.protected"].format(since=LAST) in done.stdout
    assert count(demo_db, f"at < '{LAST}'") == 0  # the stage set before EARLIER's meeting
    assert count(demo_db, f"at >= '{LAST}'") > 0
    assert since_of(demo_db) == report
    # ... unless forced. (The triggers stamp the real clock: a day far ahead covers them.)
    done = run_cli(
        "--today", "2099-01-01", "prune", "--db", str(demo_db), "--keep-days", "0",
        "--force", "--json", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["removed"] > 0 and result["kept"] == count(demo_db) == 0


def test_dry_run_deletes_nothing_and_the_file_default_applies(
    demo_db: Path, tmp_path: Path
) -> None:
    history(demo_db)
    write_sql(demo_db, "INSERT INTO board_meta (key, value) VALUES ('log_keep_days', '250');")
    total = count(demo_db)
    done = run_cli(
        "--today", TODAY.isoformat(), "prune", "--db", str(demo_db), "--dry-run", "--json",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # 250 days kept: of the 300 old rows (100..399 days ago), those older than 250 days go
    # (the one of exactly 250 days ago, at 10:00 that day, stays).
    assert result["removed"] == 149
    assert result["dry_run"] is True
    assert count(demo_db) == total


def test_a_running_board_keeps_reading_through_a_prune(demo_db: Path, tmp_path: Path) -> None:
    history(demo_db)
    source = SnapshotSource(demo_db)
    try:
        first = source.poll(force=True)
        assert first is not None
        before = Board.build(first, TODAY).since.items
        done = run_cli(
            "--today", TODAY.isoformat(), "prune", "--db", str(demo_db), "--vacuum",
            cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert ZH["prune.vacuumed"].format(path=demo_db) in done.stdout
        write_sql(demo_db, "UPDATE projects SET progress = 77 WHERE id = 3;")
        after = source.poll()
        assert after is not None
        assert next(p for p in after.projects if p.id == 3).progress == 77
        assert Board.build(after, TODAY).since.items == before
    finally:
        source.close()


def test_a_bad_keep_days_is_refused_in_one_line(demo_db: Path, tmp_path: Path) -> None:
    done = run_cli("prune", "--db", str(demo_db), "--keep-days", "-3", cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "--keep-days" in done.stderr and "Traceback" not in done.stderr
