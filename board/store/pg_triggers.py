"""PL/pgSQL triggers that fill `change_log`, bump row versions and notify listeners.

The same contract as the SQLite triggers (`board.store.triggers`, from the same `WATCHED` and
`VERSIONED` lists): an insert or delete logs one row with the row's summary, an update logs one
row per changed logged column, in `WATCHED` order; an update of a logged column that did not
bump `version` itself gets it bumped (and `updated_at` stamped). Values are logged as SQLite
stores them in a TEXT column: a REAL 100 reads '100.0' there, so floats go through
`board_text`, which writes them the same way. Every logging trigger also sends
`pg_notify('board_changes', <table>)`: PostgreSQL delivers it at commit (never for a rollback)
and folds equal payloads of one transaction into one, so a listener gets a few bytes per commit.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Float

from board.store import models as m
from board.store.models import POSTGRES_NOW
from board.store.triggers import VERSIONED, WATCHED

CHANNEL: Final = "board_changes"

# SQLite turns a REAL into text as "%!.15g": 100.0 → '100.0', 12.5 → '12.5'.
BOARD_TEXT: Final = """
CREATE OR REPLACE FUNCTION board_text(v double precision) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN v IS NULL THEN NULL
    WHEN v = trunc(v) AND abs(v) < 1e15 THEN trunc(v)::bigint::text || '.0'
    ELSE v::text
  END
$$"""


def as_text(table: str, column: str, row: str) -> str:
    """`row.column` as the text SQLite would have logged for it."""
    if isinstance(m.Base.metadata.tables[table].c[column].type, Float):
        return f"board_text({row}.{column})"
    return f"{row}.{column}::text"


def log_function(table: str, summary: str, columns: tuple[str, ...]) -> str:
    """The change-log trigger function of `table` (insert, update and delete in one)."""
    head = "INSERT INTO change_log (at, table_name, row_id, action"
    updates = "\n".join(
        f"    IF OLD.{c} IS DISTINCT FROM NEW.{c} THEN\n"
        f"      {head}, column_name, old_value, new_value)\n"
        f"      VALUES (stamp, '{table}', NEW.id, 'update', '{c}', "
        f"{as_text(table, c, 'OLD')}, {as_text(table, c, 'NEW')});\n"
        f"    END IF;"
        for c in columns
    )
    return f"""
CREATE OR REPLACE FUNCTION trg_{table}_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stamp text := {POSTGRES_NOW};
BEGIN
  IF TG_OP = 'INSERT' THEN
    {head}, new_value)
    VALUES (stamp, '{table}', NEW.id, 'insert', {as_text(table, summary, "NEW")});
  ELSIF TG_OP = 'UPDATE' THEN
{updates}
  ELSE
    {head}, old_value)
    VALUES (stamp, '{table}', OLD.id, 'delete', {as_text(table, summary, "OLD")});
  END IF;
  PERFORM pg_notify('{CHANNEL}', '{table}');
  RETURN NULL;
END
$$"""


def version_function(table: str, stamped: bool, columns: tuple[str, ...]) -> str:
    """BEFORE UPDATE: bump `version` (and stamp `updated_at`) as the SQLite trigger does."""
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    stamp = f"\n    NEW.updated_at := {POSTGRES_NOW};" if stamped else ""
    return f"""
CREATE OR REPLACE FUNCTION trg_{table}_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version IS NOT DISTINCT FROM OLD.version AND ({changed}) THEN
    NEW.version := OLD.version + 1;{stamp}
  END IF;
  RETURN NEW;
END
$$"""


def pg_triggers() -> list[str]:
    """Every statement that lays down board's functions and triggers (idempotent)."""
    out = [BOARD_TEXT]
    for table, (summary, columns) in WATCHED.items():
        out.append(log_function(table, summary, columns))
        out.append(f"DROP TRIGGER IF EXISTS trg_{table}_log ON {table}")
        out.append(
            f"CREATE TRIGGER trg_{table}_log AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION trg_{table}_log()"
        )
    for table, stamped in VERSIONED.items():
        out.append(version_function(table, stamped, WATCHED[table][1]))
        out.append(f"DROP TRIGGER IF EXISTS trg_{table}_version ON {table}")
        out.append(
            f"CREATE TRIGGER trg_{table}_version BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION trg_{table}_version()"
        )
    return out
