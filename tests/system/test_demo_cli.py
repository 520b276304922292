"""`board demo` never wipes what someone wrote to the demo: a changed demo is kept and opened as
it is (with the command that starts over); an untouched one is built afresh for today."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from board.i18n import zh_cn
from board.store.demo import build_demo, demo_has_changes
from tests.conftest import TODAY, run_cli, write_sql

ZH = zh_cn.STRINGS


def pledges(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM pledges").fetchone()[0])
    finally:
        con.close()


def test_a_changed_demo_is_kept_until_fresh_is_asked(tmp_path: Path) -> None:
    db = tmp_path / "data" / "demo.db"
    first = run_cli("demo", "--no-open", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(ZH["cli.demo_built"].split("：")[0])
    again = run_cli("demo", "--no-open", cwd=tmp_path)  # untouched: built afresh, quietly
    assert again.returncode == 0 and again.stdout.startswith(ZH["cli.demo_built"].split("：")[0])
    before = pledges(db)
    added = run_cli("pledge", "add", "--db", str(db), "--dept", "土地局", "--due", "2026-12-20",
                    "会上新增的表态", cwd=tmp_path)  # fmt: skip
    assert added.returncode == 0, added.stderr
    kept = run_cli("demo", "--no-open", cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "board demo --fresh --db data/demo.db" in kept.stdout
    assert pledges(db) == before + 1  # the new pledge survived
    fresh = run_cli("demo", "--no-open", "--fresh", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert pledges(db) == before


def test_changes_are_seen_from_any_tool(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    build_demo(db, TODAY)
    assert not demo_has_changes(db)
    write_sql(db, "UPDATE projects SET progress = 61 WHERE id = 1;")
    assert demo_has_changes(db)
    assert not demo_has_changes(tmp_path / "none.db")
