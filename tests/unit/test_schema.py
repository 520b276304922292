"""The shared file as a contract: tables, constraints, indexes, triggers and migrations.

Every fixture makes a real SQLite file in `tmp_path`. Writes that must be recorded by the
triggers come from a second process through plain `sqlite3`, as another tool's would.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CheckConstraint, inspect, select
from sqlalchemy.orm import Session

from board.i18n import en, zh_cn
from board.store import models as m
from board.store.engine import make_engine
from board.store.migrations import SCHEMA_VERSION, create_v1
from board.store.schema import create_database
from tests.conftest import run_cli as board

META = {"zone_name": "测试开发区", "season_end": "2023-12-01", "year_end": "2023-12-31"}


def new_db(path: Path) -> Path:
    create_database(path, META)
    return path


def connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, as any other tool would open it."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=5)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def run_sql_elsewhere(path: Path, script: str) -> None:
    """Run `script` against `path` with plain sqlite3 in a second Python process."""
    code = textwrap.dedent(
        """
        import sqlite3, sys
        conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(sys.stdin.read())
        conn.close()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        input=script,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return new_db(tmp_path / "board.db")


@pytest.fixture
def seeded(db: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a file holding one department, project, sprint and meeting (ids 1)."""
    conn = connect(db)
    conn.executescript(
        """
        INSERT INTO departments (id, name, kind) VALUES (1, '土地局', 'bureau');
        INSERT INTO projects (id, code, name, category, stage, lead_department_id)
            VALUES (1, 'P-1', '创业中心大楼', 'incubation', 'started', 1);
        INSERT INTO sprints (id, name, starts_on, ends_on)
            VALUES (1, '百米冲刺', '2023-09-01', '2023-12-01');
        INSERT INTO meetings (id, held_on, title) VALUES (1, '2023-09-01', '项目建设调度会');
        """
    )
    yield conn
    conn.close()


# --- the ORM models -----------------------------------------------------------------------


def columns_of(obj: Any) -> dict[str, Any]:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs}


def test_orm_round_trip(db: Path) -> None:
    rows = [
        m.Department(id=6, name="土地局", short_name="土地", kind="bureau", sort_order=60),
        m.Department(id=10, name="赵家坟村", short_name="赵家坟", kind="village", sort_order=100),
        m.Meeting(id=1, held_on="2023-09-01", title="项目建设调度会"),
        m.Project(
            id=1,
            code="QH-001",
            name="创业中心大楼",
            category="incubation",
            stage="started",
            progress=30,
            progress_note="基础施工",
            lead_department_id=6,
            responsible="王工",
            leader="李主任",
            owner="创业中心",
            location="园区北路",
            total_investment=12000.5,
            year_plan_investment=3000.0,
            year_done_investment=1250.25,
            signed_on="2023-01-10",
            landed_on="2023-03-01",
            started_on="2023-05-20",
            completed_on=None,
            producing_on=None,
            planned_start_on="2023-05-01",
            planned_complete_on="2024-10-01",
        ),
        m.Sprint(id=1, name="百米冲刺", starts_on="2023-09-01", ends_on="2023-12-01"),
        m.SprintGoal(
            id=1,
            sprint_id=1,
            project_id=1,
            target_stage="started",
            target_progress=60,
            target_investment=2000.0,
            baseline_progress=30,
            target_note="年内完成基础框架工程",
        ),
        m.Pledge(
            id=1,
            department_id=6,
            project_id=1,
            meeting_id=1,
            content="九月底前完成创业中心大楼用地手续",
            due_on="2023-09-30",
            status="in_progress",
            done_on=None,
            note="已报市局",
        ),
        m.Blocker(
            id=1,
            project_id=1,
            department_id=10,
            category="stability",
            description="周边群众阻工",
            opened_on="2023-08-15",
            due_on="2023-09-10",
            resolved_on=None,
        ),
    ]
    expected = [(type(row), columns_of(row)) for row in rows]
    engine = make_engine(db, read_only=False)
    try:
        with Session(engine) as session:
            # The models declare no relationship()s, so the session does not order inserts
            # by foreign key: parents go first, flushed on their own.
            for row in rows:
                session.add(row)
                session.flush()
            session.commit()
        with Session(engine) as session:
            for model, want in expected:
                got = session.get(model, want["id"])
                assert got is not None
                have = columns_of(got)
                # Columns left unset come back with their server defaults.
                assert {k: have[k] for k, v in want.items() if v is not None} == {
                    k: v for k, v in want.items() if v is not None
                }
                if "version" in have:
                    assert have["version"] == 1
            project = session.get(m.Project, 1)
            assert project is not None and project.updated_at is not None
            assert datetime.strptime(project.updated_at, "%Y-%m-%d %H:%M:%S")
            names = session.scalars(select(m.Department.name).order_by(m.Department.sort_order))
            assert list(names) == ["土地局", "赵家坟村"]
    finally:
        engine.dispose()


def test_orm_defaults(db: Path) -> None:
    engine = make_engine(db, read_only=False)
    try:
        with Session(engine) as session:
            session.add(m.Department(id=1, name="招商局"))
            session.add(m.Project(id=1, code="P", name="项目", category="investment"))
            session.flush()
            session.add(m.Pledge(id=1, department_id=1, content="表态"))
            session.commit()
        with Session(engine) as session:
            dept = session.get(m.Department, 1)
            project = session.get(m.Project, 1)
            pledge = session.get(m.Pledge, 1)
            assert dept is not None and (dept.kind, dept.sort_order) == ("bureau", 0)
            assert project is not None and (project.stage, project.progress) == ("signed", 0)
            assert pledge is not None and pledge.status == "open"
    finally:
        engine.dispose()


# --- CHECK constraints --------------------------------------------------------------------

# (constraint name, case) -> a write that must fail that CHECK.
BAD_WRITES = {
    ("ck_projects_stage", "unknown code"): "INSERT INTO projects (code, name, category, stage) "
    "VALUES ('X', 'x', 'investment', 'planned')",
    ("ck_projects_stage", "Chinese word"): "UPDATE projects SET stage = '开工' WHERE id = 1",
    ("ck_projects_category", "unknown code"): "INSERT INTO projects (code, name, category) "
    "VALUES ('X', 'x', 'mining')",
    ("ck_projects_progress", "-1"): "UPDATE projects SET progress = -1 WHERE id = 1",
    ("ck_projects_progress", "101"): "UPDATE projects SET progress = 101 WHERE id = 1",
    ("ck_pledges_status", "unknown code"): "INSERT INTO pledges (department_id, content, status) "
    "VALUES (1, '表态', 'finished')",
    ("ck_pledges_status", "Chinese word"): "INSERT INTO pledges (department_id, content, status) "
    "VALUES (1, '表态', '已完成')",
    ("ck_blockers_category", "unknown code"): "INSERT INTO blockers "
    "(project_id, category, description) VALUES (1, 'weather', '下雨')",
    ("ck_departments_kind", "unknown code"): "INSERT INTO departments (name, kind) "
    "VALUES ('某公司', 'company')",
    ("ck_sprint_goals_target_stage", "unknown code"): "INSERT INTO sprint_goals "
    "(sprint_id, project_id, target_stage) VALUES (1, 1, 'done')",
    ("ck_sprint_goals_target_progress", "-1"): "INSERT INTO sprint_goals "
    "(sprint_id, project_id, target_progress) VALUES (1, 1, -1)",
    ("ck_sprint_goals_target_progress", "101"): "INSERT INTO sprint_goals "
    "(sprint_id, project_id, target_progress) VALUES (1, 1, 101)",
    ("ck_sprint_goals_baseline_progress", "-1"): "INSERT INTO sprint_goals "
    "(sprint_id, project_id, baseline_progress) VALUES (1, 1, -1)",
    ("ck_sprint_goals_baseline_progress", "101"): "INSERT INTO sprint_goals "
    "(sprint_id, project_id, baseline_progress) VALUES (1, 1, 101)",
    ("ck_change_log_action", "unknown code"): "INSERT INTO change_log "
    "(table_name, row_id, action) VALUES ('projects', 1, 'upsert')",
    ("ck_milestones_name", "blank"): "INSERT INTO milestones (project_id, name) VALUES (1, '  ')",
}


@pytest.mark.parametrize(
    ("constraint", "sql"),
    [(name, sql) for (name, _case), sql in BAD_WRITES.items()],
    ids=[f"{name}-{case}" for name, case in BAD_WRITES],
)
def test_check_constraints_reject_bad_values(
    seeded: sqlite3.Connection, constraint: str, sql: str
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match=f"CHECK constraint failed: {constraint}$"):
        seeded.execute(sql)


def test_every_check_constraint_has_a_bad_write() -> None:
    declared = {
        constraint.name
        for table in m.Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert declared == {name for name, _case in BAD_WRITES}


GOOD_WRITES = [
    "UPDATE projects SET progress = 0 WHERE id = 1",
    "UPDATE projects SET progress = 100, stage = 'producing' WHERE id = 1",
    "INSERT INTO sprint_goals (sprint_id, project_id, target_stage, target_progress, "
    "baseline_progress) VALUES (1, 1, NULL, NULL, 100)",
    "INSERT INTO pledges (department_id, content, status) VALUES (1, '表态', 'dropped')",
    "INSERT INTO departments (name, kind) VALUES ('某公司', 'enterprise')",
    "INSERT INTO blockers (project_id, category, description) VALUES (1, 'utilities', '缺电')",
]


@pytest.mark.parametrize("sql", GOOD_WRITES)
def test_check_constraints_accept_edge_values(seeded: sqlite3.Connection, sql: str) -> None:
    seeded.execute(sql)


def test_foreign_keys_are_enforced_when_turned_on(seeded: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        seeded.execute("INSERT INTO pledges (department_id, content) VALUES (99, '表态')")


# --- indexes, journal mode, meta ----------------------------------------------------------


def indexed_leading_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """Columns that lead some index of `table` (so lookups by them are indexed)."""
    leading = set()
    for _seq, name, *_rest in conn.execute(f"PRAGMA index_list({table})"):
        info = conn.execute(f"PRAGMA index_info('{name}')").fetchall()
        leading.add(min(info)[2])
    return leading


def tables(conn: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]


def test_every_foreign_key_column_is_indexed(db: Path) -> None:
    conn = connect(db)
    checked = 0
    for table in tables(conn):
        leading = indexed_leading_columns(conn, table)
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})"):
            column = fk[3]
            assert column in leading, f"{table}.{column} has no index"
            checked += 1
    conn.close()
    # projects.lead_department_id; pledges x3; blockers x2; sprint_goals x2; milestones x2.
    assert checked == 10


def test_foreign_keys_match_the_contract(db: Path) -> None:
    conn = connect(db)
    found = {
        (table, fk[3], fk[2], fk[4])
        for table in tables(conn)
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})")
    }
    conn.close()
    assert found == {
        ("projects", "lead_department_id", "departments", "id"),
        ("pledges", "department_id", "departments", "id"),
        ("pledges", "project_id", "projects", "id"),
        ("pledges", "meeting_id", "meetings", "id"),
        ("blockers", "project_id", "projects", "id"),
        ("blockers", "department_id", "departments", "id"),
        ("sprint_goals", "sprint_id", "sprints", "id"),
        ("sprint_goals", "project_id", "projects", "id"),
        ("milestones", "project_id", "projects", "id"),
        ("milestones", "department_id", "departments", "id"),
    }


CONTRACT_COLUMNS = {
    table: set(columns.split())
    for table, columns in {
        "departments": "id name short_name kind sort_order",
        "projects": "id code name category stage progress progress_note lead_department_id "
        "responsible leader owner location total_investment year_plan_investment "
        "year_done_investment signed_on landed_on started_on completed_on producing_on "
        "planned_start_on planned_complete_on updated_at",
        "pledges": "id department_id project_id meeting_id content due_on status done_on note "
        "updated_at",
        "blockers": "id project_id department_id category description opened_on due_on resolved_on",
        "sprints": "id name starts_on ends_on",
        "sprint_goals": "sprint_id project_id target_stage target_progress target_investment",
        "meetings": "id held_on title",
        "milestones": "id project_id name due_on department_id done_on note sort_order",
        "change_log": "id at table_name row_id action column_name old_value new_value",
        "board_meta": "key value",
    }.items()
}


def test_schema_holds_the_contract_columns(db: Path) -> None:
    conn = connect(db)
    for table, wanted in CONTRACT_COLUMNS.items():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        assert wanted <= have, f"{table} lacks {wanted - have}"
    conn.close()


def test_new_database_is_in_wal_mode(db: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_board_meta_holds_schema_version_and_zone(db: Path) -> None:
    conn = connect(db)
    meta = dict(conn.execute("SELECT key, value FROM board_meta"))
    conn.close()
    assert meta["schema_version"] == str(SCHEMA_VERSION) == "4"
    assert {k: meta[k] for k in META} == META


# --- triggers: writes from another process are recorded -----------------------------------

# table -> (insert sql, update sql, {changed column: (old, new)}, summary on insert/delete)
TRIGGER_CASES: dict[str, tuple[str, str, dict[str, tuple[Any, Any]], str]] = {
    "departments": (
        "INSERT INTO departments (id, name, short_name, kind) "
        "VALUES (20, '祝庄子村', '祝庄', 'village')",
        "UPDATE departments SET short_name = '祝庄子', sort_order = 110 WHERE id = 20",
        {"short_name": ("祝庄", "祝庄子"), "sort_order": ("0", "110")},
        "祝庄子村",
    ),
    "projects": (
        "INSERT INTO projects (id, code, name, category, stage, progress) "
        "VALUES (20, 'QH-020', '宏基新材料产业园', 'investment', 'signed', 0)",
        "UPDATE projects SET stage = 'landed', landed_on = '2023-09-05', progress = 5, "
        "name = name WHERE id = 20",
        {"stage": ("signed", "landed"), "landed_on": (None, "2023-09-05"), "progress": ("0", "5")},
        "宏基新材料产业园",
    ),
    "pledges": (
        "INSERT INTO pledges (id, department_id, project_id, content, due_on) "
        "VALUES (20, 1, 1, '十日内完成地块清表', '2023-09-11')",
        "UPDATE pledges SET status = 'done', done_on = '2023-09-08' WHERE id = 20",
        {"status": ("open", "done"), "done_on": (None, "2023-09-08")},
        "十日内完成地块清表",
    ),
    "blockers": (
        "INSERT INTO blockers (id, project_id, department_id, category, description, opened_on) "
        "VALUES (20, 1, 1, 'land', '用地指标未落实', '2023-08-01')",
        "UPDATE blockers SET resolved_on = '2023-09-02', category = 'permits' WHERE id = 20",
        {"resolved_on": (None, "2023-09-02"), "category": ("land", "permits")},
        "用地指标未落实",
    ),
    "sprints": (
        "INSERT INTO sprints (id, name, starts_on, ends_on) "
        "VALUES (20, '大干一百天', '2023-09-01', '2023-12-09')",
        "UPDATE sprints SET ends_on = '2023-12-01' WHERE id = 20",
        {"ends_on": ("2023-12-09", "2023-12-01")},
        "大干一百天",
    ),
    "sprint_goals": (
        "INSERT INTO sprint_goals (id, sprint_id, project_id, target_stage, target_progress) "
        "VALUES (20, 1, 1, 'started', 60)",
        "UPDATE sprint_goals SET target_progress = 70, target_note = '年内完成基础框架工程' "
        "WHERE id = 20",
        {"target_progress": ("60", "70"), "target_note": (None, "年内完成基础框架工程")},
        "1",
    ),
}
VERSIONED = {"departments", "projects", "pledges", "blockers"}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file written by another process: every case inserted and updated, then logged."""
    path = new_db(tmp_path_factory.mktemp("triggers") / "board.db")
    seed = """
        INSERT INTO departments (id, name) VALUES (1, '土地局');
        INSERT INTO projects (id, code, name, category) VALUES (1, 'P-1', '创业中心大楼', 'incubation');
        INSERT INTO sprints (id, name, starts_on, ends_on) VALUES (1, 'S', '2023-09-01', '2023-12-01');
        INSERT INTO pledges (id, department_id, content) VALUES (1, 1, '表态');
        INSERT INTO blockers (id, project_id, category, description) VALUES (1, 1, 'funds', '缺钱');
    """  # noqa: E501
    run_sql_elsewhere(path, seed)
    script = ";\n".join(f"{insert};\n{update}" for insert, update, *_ in TRIGGER_CASES.values())
    run_sql_elsewhere(path, script + ";")
    return path


def log_rows(path: Path, table: str, row_id: int, action: str) -> list[sqlite3.Row]:
    conn = connect(path)
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT * FROM change_log WHERE table_name = ? AND row_id = ? AND action = ? ORDER BY id",
        (table, row_id, action),
    ).fetchall()
    conn.close()
    return rows


def assert_local_now(at: str) -> None:
    stamp = datetime.strptime(at, "%Y-%m-%d %H:%M:%S")
    assert abs(stamp - datetime.now()) < timedelta(minutes=5), at


@pytest.mark.parametrize("table", TRIGGER_CASES)
def test_trigger_logs_insert_from_another_process(written: Path, table: str) -> None:
    *_, summary = TRIGGER_CASES[table]
    (row,) = log_rows(written, table, 20, "insert")
    assert row["new_value"] == summary
    assert row["column_name"] is None and row["old_value"] is None
    assert_local_now(row["at"])


@pytest.mark.parametrize("table", TRIGGER_CASES)
def test_trigger_logs_one_row_per_changed_column(written: Path, table: str) -> None:
    _, _, changes, _ = TRIGGER_CASES[table]
    rows = log_rows(written, table, 20, "update")
    logged = {r["column_name"]: (r["old_value"], r["new_value"]) for r in rows}
    assert len(rows) == len(logged)  # one row per column, none twice
    # Values come back as stored; compare numbers as text.
    normal = {c: tuple(None if v is None else str(v) for v in ov) for c, ov in logged.items()}
    assert normal == changes  # unchanged columns (name = name) and bookkeeping are not logged
    for row in rows:
        assert_local_now(row["at"])


@pytest.mark.parametrize("table", sorted(VERSIONED))
def test_update_from_another_process_bumps_version(written: Path, table: str) -> None:
    conn = connect(written)
    assert conn.execute(f"SELECT version FROM {table} WHERE id = 20").fetchone()[0] == 2
    untouched = conn.execute(f"SELECT version FROM {table} WHERE id = 1").fetchone()[0]
    conn.close()
    assert untouched == 1


@pytest.mark.parametrize("table", ["projects", "pledges"])
def test_update_stamps_updated_at(db: Path, table: str) -> None:
    insert, update, *_ = TRIGGER_CASES[table]
    conn = connect(db)
    conn.executescript(
        "INSERT INTO departments (id, name) VALUES (1, '土地局');"
        "INSERT INTO projects (id, code, name, category) VALUES (1, 'P', 'p', 'upgrade');"
        f"{insert};"
        f"UPDATE {table} SET updated_at = '2000-01-01 00:00:00' WHERE id = 20;"
        f"{update};"
    )
    stamp = conn.execute(f"SELECT updated_at FROM {table} WHERE id = 20").fetchone()[0]
    conn.close()
    assert_local_now(stamp)


def test_explicit_version_is_not_bumped_twice(seeded: sqlite3.Connection) -> None:
    seeded.execute("UPDATE projects SET progress = 40, version = version + 1 WHERE id = 1")
    assert seeded.execute("SELECT version FROM projects WHERE id = 1").fetchone()[0] == 2
    seeded.execute("UPDATE projects SET progress = 45 WHERE id = 1")
    assert seeded.execute("SELECT version FROM projects WHERE id = 1").fetchone()[0] == 3


def test_update_changing_nothing_logs_nothing(seeded: sqlite3.Connection) -> None:
    before = seeded.execute("SELECT count(*) FROM change_log").fetchone()[0]
    seeded.execute("UPDATE projects SET stage = stage WHERE id = 1")
    after = seeded.execute("SELECT count(*) FROM change_log").fetchone()[0]
    assert after == before


def test_triggers_log_deletes_from_another_process(tmp_path: Path) -> None:
    path = new_db(tmp_path / "board.db")
    run_sql_elsewhere(
        path,
        "INSERT INTO departments (id, name) VALUES (1, '土地局');"
        "INSERT INTO projects (id, code, name, category) VALUES (1, 'P-1', '大楼', 'upgrade');"
        "INSERT INTO sprints (id, name, starts_on, ends_on) VALUES (1, 'S', '2023-09-01', "
        "'2023-12-01');" + "".join(f"{insert};" for insert, *_ in TRIGGER_CASES.values()),
    )
    order = ["sprint_goals", "blockers", "pledges", "sprints", "projects", "departments"]
    run_sql_elsewhere(path, "".join(f"DELETE FROM {table} WHERE id = 20;" for table in order))
    for table in order:
        *_, summary = TRIGGER_CASES[table]
        (row,) = log_rows(path, table, 20, "delete")
        assert row["old_value"] == summary
        assert row["column_name"] is None and row["new_value"] is None
        assert_local_now(row["at"])


def test_cascading_delete_is_logged(seeded: sqlite3.Connection, db: Path) -> None:
    seeded.execute("INSERT INTO pledges (id, department_id, content) VALUES (5, 1, '表态')")
    seeded.execute("DELETE FROM departments WHERE id = 1")
    (row,) = log_rows(db, "pledges", 5, "delete")
    assert row["old_value"] == "表态"


# --- migrations ---------------------------------------------------------------------------


def make_v1(path: Path) -> Path:
    engine = make_engine(path, read_only=False)
    with engine.begin() as conn:
        create_v1(conn)
    engine.dispose()
    return path


def shape(path: Path) -> dict[str, Any]:
    """What a schema looks like: columns (name, type, not null, default) per table, indexes,
    triggers."""
    conn = sqlite3.connect(path)
    out: dict[str, Any] = {}
    for table in tables(conn):
        out[table] = {
            # SQLAlchemy writes integer defaults quoted ('0'); INTEGER affinity stores 0 either
            # way. The primary key's NOT NULL flag differs by how the table was declared.
            (name, kind, bool(notnull) and not pk, None if default is None else default.strip("'"))
            for _cid, name, kind, notnull, default, pk in conn.execute(
                f"PRAGMA table_info({table})"
            )
        }
    for kind in ("index", "trigger"):
        out[kind] = {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%'",
                (kind,),
            )
        }
    conn.close()
    return out


V1_ROWS = """
    INSERT INTO departments (id, name, short_name, kind, sort_order)
        VALUES (1, '规划建设局', '规建', 'bureau', 10);
    INSERT INTO projects (id, code, name, category, stage, progress, lead_department_id,
        signed_on) VALUES (1, 'QH-001', '创业中心大楼', 'incubation', 'started', 30, 1,
        '2023-01-10');
    INSERT INTO meetings (id, held_on, title) VALUES (1, '2023-09-01', '项目建设调度会');
    INSERT INTO pledges (id, department_id, project_id, meeting_id, content, due_on)
        VALUES (1, 1, 1, 1, '完成规划许可', '2023-09-20');
    INSERT INTO blockers (id, project_id, department_id, category, description)
        VALUES (1, 1, 1, 'permits', '规划许可待批');
    INSERT INTO sprints (id, name, starts_on, ends_on)
        VALUES (1, '百米冲刺', '2023-09-01', '2023-12-01');
    INSERT INTO sprint_goals (id, sprint_id, project_id, target_stage, target_progress)
        VALUES (1, 1, 1, 'started', 60);
"""


def test_migrate_version_1_file(tmp_path: Path) -> None:
    old = make_v1(tmp_path / "old.db")
    conn = connect(old)
    conn.executescript(V1_ROWS)
    assert conn.execute("SELECT value FROM board_meta WHERE key='schema_version'").fetchone() == (
        "1",
    )
    logged_before = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
    conn.close()

    result = board("--lang", "en", "migrate", "--db", str(old), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip() == en.STRINGS["cli.migrated"].format(
        path=old, old=1, new=SCHEMA_VERSION
    )

    fresh = new_db(tmp_path / "fresh.db")
    assert shape(old) == shape(fresh)

    conn = connect(old)
    conn.row_factory = sqlite3.Row
    meta = dict(conn.execute("SELECT key, value FROM board_meta").fetchall())
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    project = conn.execute("SELECT * FROM projects WHERE id = 1").fetchone()
    assert (project["name"], project["stage"], project["progress"], project["version"]) == (
        "创业中心大楼",
        "started",
        30,
        1,
    )
    goal = conn.execute("SELECT * FROM sprint_goals WHERE id = 1").fetchone()
    assert (goal["target_progress"], goal["baseline_progress"], goal["target_note"]) == (
        60,
        0,
        None,
    )
    pledge = conn.execute("SELECT * FROM pledges WHERE id = 1").fetchone()
    assert (pledge["content"], pledge["due_on"], pledge["version"]) == (
        "完成规划许可",
        "2023-09-20",
        1,
    )
    assert conn.execute("SELECT count(*) FROM change_log").fetchone()[0] == logged_before
    conn.close()

    # The triggers of the current version work: per-column log (new columns too) and version bumps.
    run_sql_elsewhere(
        old,
        "UPDATE pledges SET status = 'done', done_on = '2023-09-18' WHERE id = 1;"
        "UPDATE sprint_goals SET baseline_progress = 25 WHERE id = 1;",
    )
    done = {r["column_name"]: r["new_value"] for r in log_rows(old, "pledges", 1, "update")}
    assert done == {"status": "done", "done_on": "2023-09-18"}
    (goal_log,) = log_rows(old, "sprint_goals", 1, "update")
    assert (goal_log["column_name"], goal_log["old_value"], goal_log["new_value"]) == (
        "baseline_progress",
        "0",
        "25",
    )
    conn = connect(old)
    assert conn.execute("SELECT version FROM pledges WHERE id = 1").fetchone()[0] == 2
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        conn.execute("UPDATE sprint_goals SET baseline_progress = 101 WHERE id = 1")
    conn.close()

    again = board("--lang", "en", "migrate", "--db", str(old), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == en.STRINGS["cli.up_to_date"].format(
        path=old, version=SCHEMA_VERSION
    )


def test_migrate_up_to_date_file_says_so(db: Path, tmp_path: Path) -> None:
    before = shape(db)
    result = board("migrate", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip() == zh_cn.STRINGS["cli.up_to_date"].format(
        path=db, version=SCHEMA_VERSION
    )
    english = board("--lang", "en", "migrate", "--db", str(db), cwd=tmp_path)
    assert english.returncode == 0
    assert english.stdout.strip() == en.STRINGS["cli.up_to_date"].format(
        path=db, version=SCHEMA_VERSION
    )
    assert shape(db) == before


def test_version_1_file_is_refused_until_migrated(tmp_path: Path) -> None:
    from board.errors import BoardError
    from board.store.schema import check_file

    old = make_v1(tmp_path / "old.db")
    with pytest.raises(BoardError) as refused:
        check_file(old)
    assert refused.value.kind == "older"
    assert check_file(old, allow_older=True) == 1


# --- docs/schema.md stays true --------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "schema.md"
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?")


def doc_session() -> tuple[str, str]:
    """The example session of docs/schema.md: (its SQL, the output it shows)."""
    text = DOC.read_text(encoding="utf-8")
    session = text[text.index("<!-- session:") : text.index("<!-- end of session -->")]
    blocks = re.findall(r"```(sql|text)\n(.*?)```", session, flags=re.S)
    sql = "".join(body for kind, body in blocks if kind == "sql")
    shown = "".join(body for kind, body in blocks if kind == "text")
    return sql, shown


def doc_column_tables() -> dict[str, set[str]]:
    """Table name -> the columns listed in its "| 列 column |" table on the page."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### `(\w+)`", text, flags=re.M)
    found = {}
    for table, body in zip(parts[1::2], parts[2::2], strict=True):
        lines = body[body.index("| 列 column |") :].splitlines()
        rows = lines[: lines.index("")]
        found[table] = {cell.group(1) for row in rows if (cell := re.match(r"\| `(\w+)` \|", row))}
    return found


def test_docs_describe_every_table_and_column(db: Path) -> None:
    documented_tables = doc_column_tables()
    conn = connect(db)
    for table in tables(conn):
        assert table in documented_tables, f"docs/schema.md has no section for {table}"
        documented = documented_tables[table]
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        assert documented == columns, table
    conn.close()


def test_docs_give_every_code_its_chinese_word() -> None:
    from board.domain import codes

    text = DOC.read_text(encoding="utf-8")
    lists = {
        "stage": codes.STAGES,
        "category": codes.CATEGORIES,
        "status": codes.PLEDGE_STATUSES,
        "blocker": codes.BLOCKER_CATEGORIES,
        "kind": codes.DEPARTMENT_KINDS,
    }
    for prefix, values in lists.items():
        for code in values:
            word = zh_cn.STRINGS[f"{prefix}.{code}"]
            assert f"| `{code}` | {word} |" in text, (code, word)


def test_docs_session_runs_as_written(tmp_path: Path) -> None:
    """Every statement of the example works on a fresh demo and shows what the page shows."""
    from board.store.demo import build_demo

    sql, shown = doc_session()
    assert "INSERT INTO pledges" in sql and "UPDATE pledges" in sql
    path = tmp_path / "doc.db"
    build_demo(path, date.today())
    statements = "\n".join(line for line in sql.splitlines() if not line.startswith("."))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(statements)  # plain Python sqlite3: every statement is valid
    conn.close()

    sqlite3_shell = shutil.which("sqlite3")
    if sqlite3_shell is None:
        pytest.skip("the sqlite3 command-line shell is not installed")
    path.unlink()
    build_demo(path, date.today())
    result = subprocess.run(
        [sqlite3_shell, "-bail", str(path)], input=sql, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    got = STAMP.sub("<time>", result.stdout)
    assert got == STAMP.sub("<time>", shown), (
        "docs/schema.md's sqlite3 session no longer shows what sqlite3 prints: rerun it on a "
        "fresh `board demo --no-open --db /tmp/doc.db` and update the page"
    )
