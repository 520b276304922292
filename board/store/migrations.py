"""Numbered schema migrations: the file's `schema_version` and the steps that raise it.

A small module rather than Alembic: the schema is one SQLite file that other tools write, the
steps are a handful of `ALTER TABLE`s plus triggers, and a user runs them with one command
(`board migrate`) on machines with no migration tooling. Step N turns a version N-1 file into
version N inside one transaction. Nothing here runs unless a user asks: the display refuses an
older file and names the command.

`SCHEMA_V1` is the first published schema, frozen, so tests can make a version 1 file.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text

from board.domain.codes import BLOCKER_CATEGORIES, CATEGORIES, PLEDGE_STATUSES, STAGES, sql_in
from board.store.triggers import all_triggers

SCHEMA_VERSION = 4

SCHEMA_V1 = f"""
CREATE TABLE departments (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, short_name TEXT,
    kind VARCHAR DEFAULT 'bureau' NOT NULL, sort_order INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE projects (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    category VARCHAR NOT NULL CHECK (category IN ({sql_in(CATEGORIES)})),
    stage VARCHAR DEFAULT 'signed' NOT NULL CHECK (stage IN ({sql_in(STAGES)})),
    progress INTEGER DEFAULT 0 NOT NULL CHECK (progress BETWEEN 0 AND 100),
    progress_note TEXT,
    lead_department_id INTEGER REFERENCES departments (id) ON DELETE SET NULL,
    responsible TEXT, leader TEXT, owner TEXT, location TEXT,
    total_investment FLOAT, year_plan_investment FLOAT, year_done_investment FLOAT,
    signed_on VARCHAR, landed_on VARCHAR, started_on VARCHAR, completed_on VARCHAR,
    producing_on VARCHAR, planned_start_on VARCHAR, planned_complete_on VARCHAR,
    updated_at VARCHAR DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime')));
CREATE TABLE meetings (id INTEGER PRIMARY KEY, held_on VARCHAR NOT NULL, title TEXT NOT NULL);
CREATE TABLE pledges (
    id INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    project_id INTEGER REFERENCES projects (id) ON DELETE SET NULL,
    meeting_id INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    content TEXT NOT NULL, due_on VARCHAR,
    status VARCHAR DEFAULT 'open' NOT NULL CHECK (status IN ({sql_in(PLEDGE_STATUSES)})),
    done_on VARCHAR, note TEXT,
    updated_at VARCHAR DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime')));
CREATE TABLE blockers (
    id INTEGER PRIMARY KEY,
    project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE,
    department_id INTEGER REFERENCES departments (id) ON DELETE SET NULL,
    category VARCHAR NOT NULL CHECK (category IN ({sql_in(BLOCKER_CATEGORIES)})),
    description TEXT NOT NULL, opened_on VARCHAR, due_on VARCHAR, resolved_on VARCHAR);
CREATE TABLE sprints (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, starts_on VARCHAR NOT NULL,
    ends_on VARCHAR NOT NULL);
CREATE TABLE sprint_goals (
    id INTEGER PRIMARY KEY,
    sprint_id INTEGER NOT NULL REFERENCES sprints (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    target_stage VARCHAR CHECK (target_stage IS NULL OR target_stage IN ({sql_in(STAGES)})),
    target_progress INTEGER
        CHECK (target_progress IS NULL OR target_progress BETWEEN 0 AND 100),
    target_investment FLOAT);
CREATE TABLE change_log (
    id INTEGER PRIMARY KEY,
    at VARCHAR DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime')) NOT NULL,
    table_name VARCHAR NOT NULL, row_id INTEGER NOT NULL,
    action VARCHAR NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    column_name VARCHAR, old_value TEXT, new_value TEXT);
CREATE TABLE board_meta (key VARCHAR PRIMARY KEY, value TEXT);
CREATE INDEX ix_projects_lead_department_id ON projects (lead_department_id);
CREATE INDEX ix_projects_stage ON projects (stage);
CREATE INDEX ix_pledges_department_id ON pledges (department_id);
CREATE INDEX ix_pledges_project_id ON pledges (project_id);
CREATE INDEX ix_pledges_meeting_id ON pledges (meeting_id);
CREATE INDEX ix_pledges_due_on ON pledges (due_on);
CREATE INDEX ix_blockers_project_id ON blockers (project_id);
CREATE INDEX ix_blockers_department_id ON blockers (department_id);
CREATE INDEX ix_sprint_goals_sprint_id ON sprint_goals (sprint_id);
CREATE INDEX ix_sprint_goals_project_id ON sprint_goals (project_id);
CREATE INDEX ix_change_log_at ON change_log (at);
"""


def create_v1(conn: Connection) -> None:
    """Lay down the frozen version 1 schema (used by tests and by nothing else)."""
    for statement in SCHEMA_V1.split(";"):
        if statement.strip():
            conn.exec_driver_sql(statement)
    for _name, sql in all_triggers(1):
        conn.exec_driver_sql(sql)
    conn.execute(text("INSERT INTO board_meta (key, value) VALUES ('schema_version', '1')"))


def drop_triggers(conn: Connection) -> None:
    """Drop every board trigger, so a step can lay down the current set."""
    names = conn.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'trg_%'")
    ).scalars()
    for name in list(names):
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}"')


def step_2(conn: Connection) -> None:
    """v2: row versions for conflict-safe edits, sprint baselines and target words, indexes."""
    for table in ("departments", "projects", "pledges", "blockers"):
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN version INTEGER DEFAULT 1 NOT NULL")
    conn.exec_driver_sql(
        "ALTER TABLE sprint_goals ADD COLUMN baseline_progress INTEGER DEFAULT 0 NOT NULL "
        "CHECK (baseline_progress BETWEEN 0 AND 100)"
    )
    conn.exec_driver_sql("ALTER TABLE sprint_goals ADD COLUMN target_note TEXT")
    for sql in (
        "CREATE INDEX ix_departments_sort_order ON departments (sort_order)",
        "CREATE INDEX ix_projects_category ON projects (category)",
        "CREATE INDEX ix_projects_updated_at ON projects (updated_at)",
        "CREATE INDEX ix_pledges_status ON pledges (status)",
        "CREATE INDEX ix_blockers_category ON blockers (category)",
        "CREATE INDEX ix_blockers_due_on ON blockers (due_on)",
        "CREATE INDEX ix_blockers_resolved_on ON blockers (resolved_on)",
        "CREATE INDEX ix_sprints_ends_on ON sprints (ends_on)",
        "CREATE INDEX ix_meetings_held_on ON meetings (held_on)",
        "CREATE INDEX ix_change_log_table_row ON change_log (table_name, row_id)",
        "CREATE UNIQUE INDEX ux_sprint_goals_sprint_project "
        "ON sprint_goals (sprint_id, project_id)",
    ):
        conn.exec_driver_sql(sql)
    drop_triggers(conn)
    for _name, sql in all_triggers(2):
        conn.exec_driver_sql(sql)


def step_3(conn: Connection) -> None:
    """v3: a note on blockers (how a blocker was resolved, 销号说明)."""
    conn.exec_driver_sql("ALTER TABLE blockers ADD COLUMN note TEXT")
    drop_triggers(conn)
    for _name, sql in all_triggers(3):
        conn.exec_driver_sql(sql)


# Frozen as published, like SCHEMA_V1: a later change to the model gets a step of its own.
MILESTONES_V4 = """
CREATE TABLE milestones (
    id INTEGER NOT NULL PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name TEXT NOT NULL CONSTRAINT ck_milestones_name CHECK (length(trim(name)) > 0),
    due_on VARCHAR,
    department_id INTEGER REFERENCES departments (id) ON DELETE SET NULL,
    done_on VARCHAR, note TEXT,
    sort_order INTEGER DEFAULT '0' NOT NULL,
    version INTEGER DEFAULT '1' NOT NULL);
CREATE INDEX ix_milestones_project_id ON milestones (project_id);
CREATE INDEX ix_milestones_department_id ON milestones (department_id);
CREATE INDEX ix_milestones_due_on ON milestones (due_on);
"""


def step_4(conn: Connection) -> None:
    """v4: milestones (关键节点), with their indexes, change-log and version triggers."""
    for statement in MILESTONES_V4.split(";"):
        if statement.strip():
            conn.exec_driver_sql(statement)
    drop_triggers(conn)
    for _name, sql in all_triggers(4):
        conn.exec_driver_sql(sql)


STEPS: dict[int, Callable[[Connection], None]] = {2: step_2, 3: step_3, 4: step_4}
