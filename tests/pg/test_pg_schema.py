"""The PostgreSQL schema keeps the SQLite contract: same tables, CHECKs and indexes from the
same models; triggers that log the very same change_log rows and bump versions alike; a
notification per commit, none for a rollback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, inspect

from board.store.location import ServerDb
from board.store.models import Base
from board.store.schema import check_file, create_database
from tests.pg.conftest import admin_conninfo, sql_rows

META = {"zone_name": "测试区", "season_end": "2027-03-01", "year_end": "2026-12-31"}

# The same writes, in SQL both engines take, as another tool would make them.
WRITES = [
    "INSERT INTO departments (id, name, short_name, sort_order) VALUES (1, '招商局', '招商', 1)",
    "INSERT INTO departments (id, name) VALUES (2, '自然资源分局')",
    "INSERT INTO projects (id, code, name, category, stage, progress, total_investment, "
    "lead_department_id, signed_on) VALUES (1, 'P001', '凯达机械', 'investment', 'signed', 0, "
    "12000, 1, '2026-03-01')",
    "UPDATE projects SET progress = 35, progress_note = '主体封顶', total_investment = 12500.5 "
    "WHERE id = 1",
    "UPDATE projects SET year_done_investment = 800, stage = 'started', started_on = '2026-10-01'"
    " WHERE id = 1",
    "UPDATE projects SET progress = 35 WHERE id = 1",  # changes nothing: logs nothing
    "UPDATE projects SET progress_note = NULL, lead_department_id = 2 WHERE id = 1",
    "INSERT INTO pledges (id, department_id, project_id, content, due_on) "
    "VALUES (1, 1, 1, '完成规划条件核定', '2026-12-01')",
    "UPDATE pledges SET status = 'done', done_on = '2026-11-28' WHERE id = 1",
    "INSERT INTO blockers (id, project_id, department_id, category, description, due_on) "
    "VALUES (1, 1, 2, 'land', '用地指标未落实', '2026-12-15')",
    "UPDATE blockers SET resolved_on = '2026-11-29', note = '已摘牌' WHERE id = 1",
    "INSERT INTO sprints (id, name, starts_on, ends_on) VALUES (1, '百日冲刺', '2026-09-01', "
    "'2026-12-10')",
    "INSERT INTO sprint_goals (id, sprint_id, project_id, target_progress) VALUES (1, 1, 1, 80)",
    "UPDATE sprint_goals SET target_progress = 90, target_investment = 3000 WHERE id = 1",
    "INSERT INTO milestones (id, project_id, name, due_on) VALUES (1, 1, '施工许可', '2026-12-20')",
    "UPDATE milestones SET done_on = '2026-11-30' WHERE id = 1",
    "UPDATE departments SET sort_order = 5 WHERE id = 2",
    "DELETE FROM blockers WHERE id = 1",
    "DELETE FROM pledges WHERE id = 1",
]
LOGGED = "SELECT table_name, row_id, action, column_name, old_value, new_value FROM change_log"
VERSIONS = (
    "SELECT 'p', id, version FROM projects UNION ALL SELECT 'd', id, version FROM departments "
    "UNION ALL SELECT 'm', id, version FROM milestones"
)


def test_same_tables_columns_checks_and_indexes(pg_db: ServerDb, tmp_path: Path) -> None:
    create_database(pg_db, META)
    assert check_file(pg_db) == 4
    engine = create_engine(pg_db.url)
    try:
        found = inspect(engine)
        for table in Base.metadata.sorted_tables:
            columns = {c["name"] for c in found.get_columns(table.name)}
            assert columns == set(table.c.keys()), table.name
            indexes = {i["name"] for i in found.get_indexes(table.name)}
            wanted = {i.name for i in table.indexes}
            assert wanted <= indexes, table.name
            checks = {c["name"] for c in found.get_check_constraints(table.name)}
            assert {c.name for c in table.constraints if c.name and c.name.startswith("ck_")} <= (
                checks
            )
    finally:
        engine.dispose()


def test_change_log_rows_equal_on_both_engines(pg_db: ServerDb, tmp_path: Path) -> None:
    file = tmp_path / "same.db"
    create_database(file, META)
    create_database(pg_db, META)
    lite = sqlite3.connect(file, isolation_level=None)
    with psycopg.connect(admin_conninfo(pg_db.name), autocommit=True) as pg:
        for sql in WRITES:
            lite.execute(sql)
            pg.execute(sql)  # type: ignore[arg-type]
        pg_log = pg.execute(LOGGED + " ORDER BY id").fetchall()  # type: ignore[arg-type]
        pg_versions = sorted(pg.execute(VERSIONS).fetchall())  # type: ignore[arg-type]
        pg_stamped = pg.execute("SELECT updated_at FROM projects").fetchone()
    lite_log = lite.execute(LOGGED + " ORDER BY id").fetchall()
    lite_versions = sorted(lite.execute(VERSIONS).fetchall())
    lite.close()
    assert len(lite_log) == 26
    assert pg_log == lite_log
    assert pg_versions == lite_versions
    assert pg_versions[-1] == ("p", 1, 4)  # three real updates, the no-op not counted
    assert pg_stamped is not None and len(str(pg_stamped[0])) == 19  # YYYY-MM-DD HH:MM:SS


def test_check_refuses_progress_120(pg_db: ServerDb) -> None:
    create_database(pg_db, META)
    with psycopg.connect(admin_conninfo(pg_db.name), autocommit=True) as pg:
        pg.execute(WRITES[0])  # type: ignore[arg-type]
        pg.execute(WRITES[2])  # type: ignore[arg-type]
        with pytest.raises(psycopg.errors.CheckViolation):
            pg.execute("UPDATE projects SET progress = 120 WHERE id = 1")
    assert sql_rows(pg_db.name, "SELECT progress FROM projects") == [(0,)]


def test_notify_at_commit_and_never_for_a_rollback(pg_db: ServerDb) -> None:
    create_database(pg_db, META)
    with (
        psycopg.connect(admin_conninfo(pg_db.name), autocommit=True) as listener,
        psycopg.connect(admin_conninfo(pg_db.name)) as writer,
    ):
        listener.execute("LISTEN board_changes")
        writer.execute(WRITES[0])  # type: ignore[arg-type]
        writer.execute(WRITES[1])  # type: ignore[arg-type]
        assert list(listener.notifies(timeout=0.2)) == []  # not before the commit
        writer.commit()
        got = list(listener.notifies(timeout=1.0, stop_after=1))
        got += list(listener.notifies(timeout=0.2))
        assert [n.payload for n in got] == ["departments"]  # two inserts, one note
        writer.execute("UPDATE departments SET name = 'x' WHERE id = 1")
        writer.rollback()
        assert list(listener.notifies(timeout=0.3)) == []
