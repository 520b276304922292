"""The other commands on a server database: export, import (the exported workbook again:
nothing changes), minutes, prune; the history a project page and the sprint page read; and a
conflicting edit refused as on SQLite."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from board.store.history import daily_deltas, project_entries, read_once
from board.store.location import ServerDb
from tests.pg.conftest import admin, sql_rows
from tests.system.test_cli_writes import board


def test_export_import_minutes_prune(pg_demo: ServerDb, tmp_path: Path) -> None:
    def run(*args: str) -> str:
        result = board(*args, db=pg_demo, cwd=tmp_path)  # type: ignore[arg-type]
        assert result.returncode == 0, result.stderr
        return result.stdout

    top = sql_rows(pg_demo.name, "SELECT max(id) FROM change_log")
    run("export", str(tmp_path / "zone.xlsx"))
    run("import", str(tmp_path / "zone.xlsx"))
    assert sql_rows(pg_demo.name, "SELECT max(id) FROM change_log") == top  # nothing changed
    run("--today", "2026-11-29", "minutes", "--out", str(tmp_path / "minutes.md"))
    assert "调度会" in (tmp_path / "minutes.md").read_text(encoding="utf-8")
    run("--today", "2026-11-29", "prune", "--dry-run")


def test_history_reads(pg_demo: ServerDb) -> None:
    admin("UPDATE projects SET progress = progress + 5, year_done_investment = 100 WHERE id = 1",
          pg_demo.name)  # fmt: skip
    entries = read_once(pg_demo, lambda c: project_entries(c, 1, date(2020, 1, 1)))
    assert entries["progress"] and entries["year_done_investment"]
    deltas = read_once(pg_demo, lambda c: daily_deltas(c, "progress", date(2020, 1, 1)))
    assert sum(deltas.values()) >= 5


def test_a_conflicting_edit_is_refused(pg_demo: ServerDb) -> None:
    from board.store import writer as w

    with w.Writer(pg_demo) as writer:
        seen = writer.run(lambda c: w.require_row(c, w.pledges, 1, "pledge"))
        admin(
            "UPDATE pledges SET note = '别人先改了' WHERE id = 1", pg_demo.name
        )  # psql, meanwhile
        with pytest.raises(w.ConflictError) as refused:
            writer.run(lambda c: w.set_pledge(c, 1, {"note": "我的"}, seen["version"]))
    assert refused.value.theirs == "别人先改了" and refused.value.yours == "我的"
    assert sql_rows(pg_demo.name, "SELECT note FROM pledges WHERE id = 1") == [("别人先改了",)]
