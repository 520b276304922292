"""The `board` command, run for real: every bad input is one line on stderr, never a traceback.

Each test runs `python -m board ...` in a child process with $BOARD_DB and $BOARD_LANG unset,
in a scratch working directory, with stdin closed (so a board that opened by mistake would
fail instead of waiting). Expected messages come from the message catalogs, so they follow
wording changes but not a wrong key.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import board
from board.i18n import en, zh_cn
from board.store.engine import make_engine
from board.store.migrations import SCHEMA_VERSION, create_v1
from board.store.schema import create_database

ZH = zh_cn.STRINGS
EN = en.STRINGS
BAD_INPUT = 2


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("BOARD_DB", "BOARD_LANG")}
    return subprocess.run(
        [sys.executable, "-m", "board", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int = BAD_INPUT) -> str:
    """Assert the run failed the way a user should see it; return the message line."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.returncode == code, (result.returncode, result.stderr)
    assert result.stdout == ""
    return lines[0]


def zh(key: str, **values: object) -> str:
    return ZH["err.prefix"] + ZH[key].format(**values)


def english(key: str, **values: object) -> str:
    return EN["err.prefix"] + EN[key].format(**values)


def new_db(path: Path) -> Path:
    create_database(path, {"zone_name": "", "season_end": "", "year_end": ""})
    return path


# --- files that are not (usable) board databases -------------------------------------------


def test_missing_database_names_board_init(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    line = one_line_error(run("--db", str(path), cwd=tmp_path))
    assert line == zh("err.missing", path=path)
    assert "board init" in line
    assert not path.exists()  # looking did not create it


def test_suggested_board_init_command_works(tmp_path: Path) -> None:
    # The message above says `board init PATH`: that command must do what it says.
    path = tmp_path / "nope.db"
    result = run("init", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_default_database_missing(tmp_path: Path) -> None:
    line = one_line_error(run(cwd=tmp_path))
    assert line == zh("err.missing", path=Path("data") / "board.db")


def test_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("项目建设调度会 会议纪要\n", encoding="utf-8")
    assert one_line_error(run("--db", str(path), cwd=tmp_path)) == zh("err.not_sqlite", path=path)


def test_corrupt_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    assert one_line_error(run("--db", str(path), cwd=tmp_path)) == zh("err.corrupt", path=path)


def test_directory_as_database(tmp_path: Path) -> None:
    line = one_line_error(run("--db", str(tmp_path), cwd=tmp_path))
    assert str(tmp_path) in line


def test_sqlite_without_board_tables(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.commit()
    conn.close()
    assert one_line_error(run("--db", str(path), cwd=tmp_path)) == zh("err.not_board", path=path)


def test_newer_schema_version(tmp_path: Path) -> None:
    path = new_db(tmp_path / "future.db")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE board_meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    expected = zh("err.newer", path=path, version=99, known=SCHEMA_VERSION)
    assert one_line_error(run("--db", str(path), cwd=tmp_path)) == expected
    # migrate refuses it too, and leaves it alone.
    assert one_line_error(run("migrate", "--db", str(path), cwd=tmp_path)) == expected


def test_version_1_database_says_migrate(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path, read_only=False)
    with engine.begin() as conn:
        create_v1(conn)
    engine.dispose()
    line = one_line_error(run("--db", str(path), cwd=tmp_path))
    assert line == zh("err.older", path=path, version=1, known=SCHEMA_VERSION)
    assert "board migrate" in line


def test_migrate_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    assert one_line_error(run("migrate", "--db", str(path), cwd=tmp_path)) == zh(
        "err.missing", path=path
    )


# --- bad options --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2023-13-45", "2023-02-30", "notadate", ""])
def test_bad_today(tmp_path: Path, value: str) -> None:
    line = one_line_error(run("--today", value, "--db", str(tmp_path / "x.db"), cwd=tmp_path))
    assert ZH["err.bad_date"].format(value=value) in line
    assert line.startswith(ZH["err.prefix"])


def test_bad_today_on_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    line = one_line_error(
        run("demo", "--no-open", "--today", "notadate", "--db", str(path), cwd=tmp_path)
    )
    assert ZH["err.bad_date"].format(value="notadate") in line
    assert not path.exists()


@pytest.mark.parametrize("value", ["-1", "many"])
def test_bad_demo_project_count(tmp_path: Path, value: str) -> None:
    path = tmp_path / "demo.db"
    line = one_line_error(
        run("demo", "--no-open", "--projects", value, "--db", str(path), cwd=tmp_path)
    )
    assert ZH["err.bad_number"].format(option="--projects", minimum=0, value=value) in line
    assert not path.exists()


def test_bad_language(tmp_path: Path) -> None:
    line = one_line_error(run("--lang", "xx", "--db", str(tmp_path / "x.db"), cwd=tmp_path))
    assert ZH["err.bad_lang"].format(value="xx") in line


def test_bad_theme(tmp_path: Path) -> None:
    line = one_line_error(run("--theme", "neon", "--db", str(tmp_path / "x.db"), cwd=tmp_path))
    assert "neon" in line


def test_unknown_command(tmp_path: Path) -> None:
    line = one_line_error(run("explode", cwd=tmp_path))
    assert "explode" in line


def test_english_errors(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    assert one_line_error(run("--lang", "en", "--db", str(path), cwd=tmp_path)) == english(
        "err.missing", path=path
    )
    from_env = run("--db", str(path), cwd=tmp_path, BOARD_LANG="en")
    assert one_line_error(from_env) == english("err.missing", path=path)
    # --lang comes before the command, but parse errors honour it too.
    usage = one_line_error(run("--lang", "en", "--today", "2023-13-45", cwd=tmp_path))
    assert EN["err.bad_date"].format(value="2023-13-45") in usage


# --- creating files where that cannot be done ---------------------------------------------


def test_init_in_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "folder" / "board.db"
    line = one_line_error(run("init", "--db", str(path), cwd=tmp_path))
    assert line == zh("err.no_dir", path=path.parent)
    assert not (tmp_path / "no").exists()


def test_init_where_nothing_can_be_written(tmp_path: Path) -> None:
    # /proc takes no new files, even for root (chmod would not stop root).
    path = Path("/proc/board.db")
    assert one_line_error(run("init", "--db", str(path), cwd=tmp_path)) == zh(
        "err.readonly", path=path
    )
    assert one_line_error(run("--lang", "en", "init", "--db", str(path), cwd=tmp_path)) == (
        english("err.readonly", path=path)
    )


def test_demo_where_nothing_can_be_written(tmp_path: Path) -> None:
    path = Path("/proc/demo.db")
    assert one_line_error(run("demo", "--no-open", "--db", str(path), cwd=tmp_path)) == zh(
        "err.readonly", path=path
    )
    missing = tmp_path / "no" / "demo.db"
    assert one_line_error(run("demo", "--no-open", "--db", str(missing), cwd=tmp_path)) == zh(
        "err.no_dir", path=missing.parent
    )


def test_init_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    assert run("demo", "--no-open", "--db", str(path), cwd=tmp_path).returncode == 0
    before = path.read_bytes()
    line = one_line_error(run("init", "--db", str(path), cwd=tmp_path))
    assert line == zh("err.exists", path=path)
    assert path.read_bytes() == before
    other = tmp_path / "notes.txt"
    other.write_text("不是数据库")
    assert one_line_error(run("init", "--db", str(other), cwd=tmp_path)) == zh(
        "err.exists", path=other
    )
    assert other.read_text() == "不是数据库"


# --- what works ---------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    result = run("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.strip() == f"board, version {board.__version__}"


def test_installed_console_script(tmp_path: Path) -> None:
    script = shutil.which("board", path=str(Path(sys.executable).parent))
    assert script is not None, "the board console script is not installed beside python"
    result = subprocess.run(
        [script, "--version"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0
    assert board.__version__ in result.stdout


def test_help(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    for command in ("init", "demo", "migrate"):
        assert command in result.stdout


def test_init_creates_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    result = run("init", "--db", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [ZH["cli.created"].format(path=path)]
    conn = sqlite3.connect(path)
    try:
        meta = dict(conn.execute("SELECT key, value FROM board_meta"))
        assert meta["schema_version"] == str(SCHEMA_VERSION)
        assert {"zone_name", "season_end", "year_end"} <= set(meta)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for table in ("departments", "projects", "pledges", "blockers", "change_log"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    finally:
        conn.close()
    # And the board accepts it: migrate finds it current.
    assert run("migrate", "--db", str(path), cwd=tmp_path).returncode == 0


def test_demo_builds_and_prints_one_line(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = run("demo", "--no-open", "--today", "2023-09-01", "--db", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    assert str(path) in line
    conn = sqlite3.connect(path)
    try:
        # Today's meeting (the latest); the demo's earlier one was two weeks before.
        assert conn.execute("SELECT max(held_on) FROM meetings").fetchall() == [("2023-09-01",)]
    finally:
        conn.close()


def test_demo_default_path_and_today(tmp_path: Path) -> None:
    result = run("--lang", "en", "demo", "--no-open", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("built the demo database")
    conn = sqlite3.connect(tmp_path / "data" / "demo.db")
    try:
        assert conn.execute("SELECT max(held_on) FROM meetings").fetchone()[0] == (
            date.today().isoformat()
        )
    finally:
        conn.close()


def test_demo_with_extra_projects(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = run("demo", "--no-open", "--projects", "50", "--db", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(path)
    try:
        synthetic = conn.execute("SELECT count(*) FROM projects WHERE code LIKE 'SYN-%'")
        assert synthetic.fetchone()[0] == 50
    finally:
        conn.close()
