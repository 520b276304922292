"""`board copy` both ways: a demo file to a server and back; equal contents, ids and change
log kept, sequences past the copied ids, a non-empty destination refused unless --replace."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from board.store.location import ServerDb
from board.store.models import Base
from tests.pg.conftest import sql_rows
from tests.system.test_cli_writes import board, one_line_error, zh


def contents_of_file(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = sqlite3.connect(path)
    try:
        return {
            t.name: sorted(con.execute(f"SELECT * FROM {t.name}").fetchall(), key=repr)
            for t in Base.metadata.sorted_tables
        }
    finally:
        con.close()


def contents_of_server(db: ServerDb) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table in Base.metadata.sorted_tables:
        names = ", ".join(c.name for c in table.columns)  # the models' order, as in the file
        out[table.name] = sorted(sql_rows(db.name, f"SELECT {names} FROM {table.name}"), key=repr)
    return out


def url(db: ServerDb) -> str:
    return db.url.render_as_string(hide_password=False)


def test_copy_file_to_server_and_back(demo_db: Path, pg_db: ServerDb, tmp_path: Path) -> None:
    result = board("copy", str(demo_db), url(pg_db), db=None, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    original = contents_of_file(demo_db)
    lines = result.stdout.splitlines()
    assert any("projects" in line and f"{len(original['projects'])} 行" in line for line in lines)
    assert len(original["change_log"]) > 100
    assert contents_of_server(pg_db) == original
    # Sequences moved past the copied ids: the next insert takes a new id, and logs it.
    top = max(r[0] for r in original["change_log"])
    board(
        "pledge", "add", "--dept", "招商局", "--due", "2026-12-31", "新表态", db=pg_db, cwd=tmp_path
    )  # type: ignore[arg-type]
    assert sql_rows(pg_db.name, f"SELECT action FROM change_log WHERE id = {top + 1}") == [
        ("insert",)
    ]
    # A non-empty destination is refused, then replaced whole.
    again = one_line_error(board("copy", str(demo_db), url(pg_db), db=None, cwd=tmp_path))
    assert zh("err.copy_not_empty", path=pg_db) in again
    back = tmp_path / "back.db"
    assert board("copy", url(pg_db), str(back), db=None, cwd=tmp_path).returncode == 0
    assert contents_of_file(back) == contents_of_server(pg_db)
    replaced = board("copy", "--replace", str(demo_db), url(pg_db), db=None, cwd=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert contents_of_server(pg_db) == original


def test_copy_refuses_a_foreign_destination(demo_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.close()
    line = one_line_error(board("copy", str(demo_db), str(other), db=None, cwd=tmp_path))
    assert zh("err.not_board", path=other) in line
