"""The `board` command on a server database: init, demo, migrate and writes; four writers at
once lose nothing; every bad input is one line, exit 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from board.store.location import ServerDb
from tests.pg.conftest import admin, sql_rows
from tests.system.test_cli_writes import board, ok_line, one_line_error, zh

WRITER = """
import sys
from board.cli import main
url, who, count, code = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
for n in range(count):
    args = ["pledge", "add", "--db", url, "--dept", "招商局", "--due", "2026-12-31",
            f"写入 {who}-{n}"] if n % 2 == 0 else [
            "project", "set", "--db", url, code, "--note", f"改动 {who}-{n}"]
    try:
        main(args)
    except SystemExit as end:
        if end.code not in (0, None):
            sys.exit(f"{who}-{n} ended {end.code}")
"""


def url(db: ServerDb) -> str:
    return db.url.render_as_string(hide_password=False)


def test_init_then_migrate_then_write(pg_db: ServerDb, tmp_path: Path) -> None:
    line = ok_line(board("init", "--db", url(pg_db), db=None, cwd=tmp_path))
    assert pg_db.name in line
    again = one_line_error(board("init", "--db", url(pg_db), db=None, cwd=tmp_path))
    assert zh("err.exists", path=pg_db) in again
    line = ok_line(board("migrate", "--db", url(pg_db), db=None, cwd=tmp_path))
    assert zh("cli.up_to_date", path=pg_db, version=4) in line
    admin("INSERT INTO departments (name) VALUES ('招商局')", pg_db.name)  # as psql would
    # $BOARD_DB names the server too.
    args = ("pledge", "add", "--dept", "招商局", "--due", "2026-12-31", "签约落地")
    ok_line(board(*args, db=pg_db, cwd=tmp_path))  # type: ignore[arg-type]
    logged = sql_rows(pg_db.name, "SELECT table_name, action, new_value FROM change_log")
    assert ("pledges", "insert", "签约落地") in logged


def test_four_writers_lose_nothing(pg_demo: ServerDb, tmp_path: Path) -> None:
    # 100 each in the suite (its time budget); BOARD_TEST_PG_WRITES=500 for the figure.
    count = int(os.environ.get("BOARD_TEST_PG_WRITES", "100"))
    code = str(sql_rows(pg_demo.name, "SELECT code FROM projects ORDER BY id LIMIT 1")[0][0])
    before = int(sql_rows(pg_demo.name, "SELECT count(*) FROM pledges")[0][0])
    version = int(
        sql_rows(pg_demo.name, f"SELECT version FROM projects WHERE code = '{code}'")[0][0]
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url(pg_demo), f"w{i}", str(count), code],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        for i in range(4)
    ]
    errors = [w.communicate(timeout=120 + count)[1] for w in writers]
    assert [w.returncode for w in writers] == [0, 0, 0, 0], errors
    assert all("Traceback" not in e for e in errors), errors
    added = sql_rows(pg_demo.name, "SELECT content FROM pledges WHERE content LIKE '写入 %'")
    assert len(added) == 4 * count // 2
    assert (
        int(sql_rows(pg_demo.name, "SELECT count(*) FROM pledges")[0][0]) == before + 4 * count // 2
    )
    # Every note change of the shared row counted once: none lost to a concurrent edit.
    notes = sql_rows(
        pg_demo.name,
        "SELECT count(*) FROM change_log WHERE table_name = 'projects' AND action = 'update' "
        "AND column_name = 'progress_note' AND new_value LIKE '改动 %'",
    )
    assert notes == [(4 * count // 2,)]
    now = int(sql_rows(pg_demo.name, f"SELECT version FROM projects WHERE code = '{code}'")[0][0])
    assert now == version + 4 * count // 2


def bad(tmp_path: Path, *args: str) -> str:
    return one_line_error(board(*args, db=None, cwd=tmp_path))


def test_unreachable_server(tmp_path: Path) -> None:
    line = bad(tmp_path, "--db", "postgresql+psycopg://127.0.0.1:1/board", "pledge", "list")
    assert zh("err.pg_unreachable", server="127.0.0.1:1") in line


def test_refused_login(pg_db: ServerDb, tmp_path: Path) -> None:
    wrong = pg_db.url.set(username="nobody_here", password="wrong")
    line = bad(tmp_path, "--db", wrong.render_as_string(hide_password=False), "pledge", "list")
    assert zh("err.pg_login", user="nobody_here", server="127.0.0.1:5432") in line
    assert "wrong" not in line  # never the password


def test_database_without_board_tables(pg_db: ServerDb, tmp_path: Path) -> None:
    admin("CREATE TABLE other (id int)", pg_db.name)
    line = bad(tmp_path, "--db", url(pg_db), "pledge", "list")
    assert zh("err.not_board", path=pg_db) in line


def test_missing_database(pg_db: ServerDb, tmp_path: Path) -> None:
    gone = pg_db.with_database(pg_db.name + "_gone")
    line = bad(tmp_path, "--db", url(gone), "pledge", "list")
    assert zh("err.pg_no_database", name=gone.name, server="127.0.0.1:5432") in line


def test_newer_schema(pg_demo: ServerDb, tmp_path: Path) -> None:
    admin("UPDATE board_meta SET value = '99' WHERE key = 'schema_version'", pg_demo.name)
    line = bad(tmp_path, "--db", url(pg_demo))
    assert zh("err.newer", path=pg_demo, version=99, known=4) in line


@pytest.mark.parametrize("value", ["mysql://u@h/db", "oracle+cx://h/db"])
def test_unknown_scheme(value: str, tmp_path: Path) -> None:
    line = bad(tmp_path, "--db", value, "pledge", "list")
    assert value.split(":")[0] in line and "postgresql+psycopg://" in line


def test_english_too(tmp_path: Path) -> None:
    result = board(
        "--lang", "en", "--db", "postgresql+psycopg://127.0.0.1:1/x", "pledge", "list",
        db=None, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "board: cannot reach the database server 127.0.0.1:1: check the address, the port and "
        "that the server runs"
    ]


def test_the_bench_reports_postgres_figures_with_idle_cpu(tmp_path: Path) -> None:
    """`board bench --postgres`: write → screen, cold start and idle CPU, each with a verdict
    (behaviour only: no duration is asserted)."""
    import json

    from tests.pg.conftest import ADMIN_URL, server_or_skip

    server_or_skip()
    done = subprocess.run(
        [sys.executable, "-m", "board", "bench", "--postgres", ADMIN_URL, "--sizes", "30",
         "--writes", "3", "--idle-seconds", "1", "--json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [size] = json.loads(done.stdout)["sizes"]
    assert set(size["figures"]) >= {"write_p50_ms", "cold_start_s", "idle_cpu_pct"}
    for key in ("write_p50_ms", "cold_start_s", "idle_cpu_pct"):
        assert isinstance(size["figures"][key], (int, float)), key
        assert isinstance(size["passed"][key], bool), key
    assert size["writes"]["missed"] == 0
