"""SQLite triggers that fill `change_log` and bump row versions, so any tool's writes count.

A write from the sqlite3 command line must be recorded exactly like one from board, so this is
done in the database, not in Python. Updates log one row per changed column; inserts and deletes
log one row carrying a short summary of the row (its name or content).
"""

from __future__ import annotations

from typing import Final

# table -> (summary expression column, logged columns). `id`, `version` and `updated_at` are
# bookkeeping and are not logged as changes.
WATCHED: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "departments": ("name", ("name", "short_name", "kind", "sort_order")),
    "projects": (
        "name",
        (
            "code",
            "name",
            "category",
            "stage",
            "progress",
            "progress_note",
            "lead_department_id",
            "responsible",
            "leader",
            "owner",
            "location",
            "total_investment",
            "year_plan_investment",
            "year_done_investment",
            "signed_on",
            "landed_on",
            "started_on",
            "completed_on",
            "producing_on",
            "planned_start_on",
            "planned_complete_on",
        ),
    ),
    "pledges": (
        "content",
        (
            "department_id",
            "project_id",
            "meeting_id",
            "content",
            "due_on",
            "status",
            "done_on",
            "note",
        ),
    ),
    "blockers": (
        "description",
        (
            "project_id",
            "department_id",
            "category",
            "description",
            "opened_on",
            "due_on",
            "resolved_on",
            "note",
        ),
    ),
    "milestones": (
        "name",
        ("project_id", "name", "due_on", "department_id", "done_on", "note", "sort_order"),
    ),
    "sprints": ("name", ("name", "starts_on", "ends_on")),
    "sprint_goals": (
        "project_id",
        (
            "sprint_id",
            "project_id",
            "target_stage",
            "target_progress",
            "target_investment",
            "baseline_progress",
            "target_note",
        ),
    ),
}

# Tables whose rows carry a `version` (and maybe `updated_at`) bumped on every update.
VERSIONED: Final[dict[str, bool]] = {
    "departments": False,
    "projects": True,
    "pledges": True,
    "blockers": False,
    "milestones": False,
}

NOW: Final = "strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime')"


def change_log_triggers(
    table: str, summary: str, columns: tuple[str, ...]
) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER sql) for the insert, update and delete log triggers of `table`."""
    insert = (
        f"CREATE TRIGGER trg_{table}_log_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO change_log (at, table_name, row_id, action, new_value) "
        f"VALUES ({NOW}, '{table}', NEW.id, 'insert', NEW.{summary}); END"
    )
    per_column = " UNION ALL ".join(
        f"SELECT {NOW}, '{table}', NEW.id, 'update', '{c}', OLD.{c}, NEW.{c} "
        f"WHERE OLD.{c} IS NOT NEW.{c}"
        for c in columns
    )
    update = (
        f"CREATE TRIGGER trg_{table}_log_update AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO change_log (at, table_name, row_id, action, column_name, old_value, "
        f"new_value) {per_column}; END"
    )
    delete = (
        f"CREATE TRIGGER trg_{table}_log_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO change_log (at, table_name, row_id, action, old_value) "
        f"VALUES ({NOW}, '{table}', OLD.id, 'delete', OLD.{summary}); END"
    )
    return [
        (f"trg_{table}_log_insert", insert),
        (f"trg_{table}_log_update", update),
        (f"trg_{table}_log_delete", delete),
    ]


def version_trigger(table: str, has_updated_at: bool, columns: tuple[str, ...]) -> tuple[str, str]:
    """A trigger that bumps `version` when an update changed a logged column and did not bump
    it itself, so edits by any tool are seen. An update that changes nothing bumps nothing
    (and logs nothing), so the version and the log always move together."""
    stamp = f", updated_at = {NOW}" if has_updated_at else ""
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    sql = (
        f"CREATE TRIGGER trg_{table}_version AFTER UPDATE ON {table} "
        f"WHEN NEW.version IS OLD.version AND ({changed}) BEGIN "
        f"UPDATE {table} SET version = OLD.version + 1{stamp} WHERE id = NEW.id; END"
    )
    return f"trg_{table}_version", sql


# Columns that appeared after schema 1, and the version that added them: a migration step lays
# down the triggers of its own version, which must not name columns that do not exist yet.
ADDED_IN: Final = {
    ("sprint_goals", "baseline_progress"): 2,
    ("sprint_goals", "target_note"): 2,
    ("blockers", "note"): 3,
}
VERSIONS_FROM: Final = 2  # row versions (and their bump triggers) came with schema 2
# Tables that appeared after schema 1, and the version that added them.
TABLE_ADDED_IN: Final = {"milestones": 4}


def all_triggers(version: int) -> list[tuple[str, str]]:
    """Every trigger of schema `version` (`board.store.migrations.SCHEMA_VERSION` for a new
    file; a migration step passes its own)."""
    triggers: list[tuple[str, str]] = []
    for table, (summary, columns) in WATCHED.items():
        if TABLE_ADDED_IN.get(table, 1) > version:
            continue
        present = tuple(c for c in columns if ADDED_IN.get((table, c), 1) <= version)
        triggers.extend(change_log_triggers(table, summary, present))
    if version >= VERSIONS_FROM:
        for table, stamped in VERSIONED.items():
            if TABLE_ADDED_IN.get(table, 1) > version:
                continue
            present = tuple(c for c in WATCHED[table][1] if ADDED_IN.get((table, c), 1) <= version)
            triggers.append(version_trigger(table, stamped, present))
    return triggers
