"""Creating, checking and migrating the shared file.

`check_file` is what every command runs first: it turns a missing, foreign, corrupt, older or
newer file into one clear `BoardError` before anything else touches it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from board.errors import BoardError, quoted
from board.i18n import t
from board.store.engine import explain, looks_like_sqlite, make_engine
from board.store.location import ServerDb, Where, is_server
from board.store.migrations import SCHEMA_VERSION, STEPS
from board.store.models import Base
from board.store.pg import create_pg_database, has_board_tables
from board.store.pg_triggers import pg_triggers
from board.store.triggers import all_triggers


def install_schema(conn: Connection, meta: Mapping[str, str]) -> None:
    """Create every table, index and trigger of the current version, and the meta rows."""
    Base.metadata.create_all(conn)
    for _name, sql in all_triggers(SCHEMA_VERSION):
        conn.exec_driver_sql(sql)
    rows = {"schema_version": str(SCHEMA_VERSION), **meta}
    conn.execute(
        text(
            "INSERT INTO board_meta (key, value) VALUES (:key, :value) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        [{"key": k, "value": v} for k, v in rows.items()],
    )


def ensure_writable_dir(path: Path) -> None:
    """Refuse early, in one line, when the file cannot be created where asked."""
    parent = path.resolve().parent
    if not parent.is_dir():
        raise BoardError(t("err.no_dir", path=parent), kind="readonly")
    if not os.access(parent, os.W_OK):
        raise BoardError(t("err.unwritable", path=parent), kind="readonly")


BUSY_SECONDS = 5.0


def set_wal(path: Path) -> None:
    """New databases use WAL: readers never block the writer and vice versa."""
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode = WAL")
    raw.close()


def set_journal(path: Path, mode: str) -> None:
    """Switch the journal mode (needs every other connection closed for DELETE)."""
    try:
        raw = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            got = raw.execute(f"PRAGMA journal_mode = {'DELETE' if mode == 'delete' else 'WAL'}")
            result = str(got.fetchone()[0]).lower()
        finally:
            raw.close()
    except sqlite3.Error as exc:
        raise explain(exc, path) from exc
    if result != mode:
        raise BoardError(t("err.journal_busy", path=path, mode=mode), kind="locked")


def create_database(path: Where, meta: Mapping[str, str]) -> None:
    """Create a new, empty board database at `path` (which must not hold a database yet; on a
    server, an existing empty database: creating databases is the server admin's job)."""
    if is_server(path):
        create_pg_database(path, meta)
        return
    ensure_writable_dir(path)
    if path.exists() and path.stat().st_size > 0:
        raise BoardError(t("err.exists", path=path), kind="exists")
    try:
        set_wal(path)
        engine = make_engine(path, read_only=False)
        with engine.begin() as conn:
            install_schema(conn, meta)
        engine.dispose()
    except (sqlite3.Error, DBAPIError, OSError) as exc:
        error = explain(exc, path)
        if error.kind == "missing":  # "unable to open" while creating: we may not write here
            error = BoardError(t("err.readonly", path=path), kind="readonly")
        raise error from exc


def read_schema_version(conn: Connection, path: Where) -> int:
    """The file's schema_version; a file without board's tables is refused."""
    if conn.dialect.name == "postgresql":
        has_meta = has_board_tables(conn)
    else:
        has_meta = conn.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'board_meta'")
        ).scalar_one()
    if not has_meta:
        raise BoardError(t("err.not_board", path=path), kind="not_board")
    raw = conn.execute(
        text("SELECT value FROM board_meta WHERE key = 'schema_version'")
    ).scalar_one_or_none()
    try:
        return int(raw) if raw is not None else 0
    except ValueError as exc:
        raise BoardError(t("err.not_board", path=path), kind="not_board") from exc


def check_version(version: int, path: Where) -> None:
    """Refuse a newer file (we cannot read it) and an older one (it needs `board migrate`)."""
    if version > SCHEMA_VERSION:
        raise BoardError(
            t("err.newer", path=path, version=version, known=SCHEMA_VERSION), kind="newer"
        )
    if version < SCHEMA_VERSION:
        raise BoardError(
            t("err.older", path=quoted(path), version=version, known=SCHEMA_VERSION),
            kind="older",
        )


# Checked page by page before the board's first screen: every table but the change log, which
# only grows (a 500,000-row log made the check of the whole file 2 of a start's 2.6 s). The
# whole file is checked after the first screen, in the background (`full_check`).
QUICK_CHECKED = (
    "board_meta", "departments", "projects", "meetings", "pledges", "blockers", "sprints",
    "sprint_goals",
)  # fmt: skip


def check_server(where: ServerDb, *, allow_older: bool = False) -> int:
    """`check_file` for a server database: reachable, logged in, board's tables, its version."""
    engine = make_engine(where, read_only=True)
    try:
        with engine.connect() as conn:
            version = read_schema_version(conn, where)
            conn.execute(text("SELECT count(*) FROM projects")).scalar_one()
    except DBAPIError as exc:
        raise explain(exc, where) from exc
    finally:
        engine.dispose()
    if not (allow_older and version < SCHEMA_VERSION):
        check_version(version, where)
    return version


def check_file(path: Where, *, allow_older: bool = False, thorough: bool = False) -> int:
    """Check `path` is a board database this version can use; return its schema version.
    `thorough` also runs SQLite's quick_check over the pages of every table the board shows
    (the display does, so a corrupt file is refused in one line before the screen opens)."""
    if is_server(path):
        return check_server(path, allow_older=allow_older)
    if not path.exists():
        raise BoardError(t("err.missing", path=quoted(path)), kind="missing")
    if path.is_dir():
        raise BoardError(t("err.not_sqlite", path=path), kind="not_sqlite")
    try:
        if not looks_like_sqlite(path):
            raise BoardError(t("err.not_sqlite", path=path), kind="not_sqlite")
    except OSError as exc:
        raise explain(exc, path) from exc
    engine = make_engine(path, read_only=True)
    try:
        with engine.connect() as conn:
            version = read_schema_version(conn, path)
            conn.execute(text("SELECT count(*) FROM projects")).scalar_one()
            if thorough:
                for table in QUICK_CHECKED:
                    verdict = conn.exec_driver_sql(f"PRAGMA quick_check('{table}')").scalar_one()
                    if verdict != "ok":
                        raise BoardError(t("err.corrupt", path=path), kind="corrupt")
    except DBAPIError as exc:
        raise explain(exc, path) from exc
    finally:
        engine.dispose()
    if not (allow_older and version < SCHEMA_VERSION):
        check_version(version, path)
    return version


def full_check(path: Where) -> None:
    """SQLite's quick_check over every page of the file, change log included: what the board
    runs in the background after its first screen. Raises `BoardError` (kind corrupt) when the
    file is damaged, or the error that kept it from being read. (A server checks its own pages.)"""
    if is_server(path):
        return
    engine = make_engine(path, read_only=True)
    try:
        with engine.connect() as conn:
            verdict = conn.execute(text("PRAGMA quick_check(1)")).scalar_one()
    except DBAPIError as exc:
        raise explain(exc, path) from exc
    finally:
        engine.dispose()
    if verdict != "ok":
        raise BoardError(t("err.corrupt_later", path=path), kind="corrupt")


def relay_pg_triggers(where: ServerDb) -> None:
    """Lay board's functions and triggers down again (a restored dump may lack them)."""
    engine = make_engine(where, read_only=False)
    try:
        with engine.begin() as conn:
            for sql in pg_triggers():
                conn.exec_driver_sql(sql)
    except DBAPIError as exc:
        raise explain(exc, where) from exc
    finally:
        engine.dispose()


def migrate(path: Where) -> tuple[int, int]:
    """Upgrade `path` to the current schema, one numbered step per transaction. A server
    database is born at schema 4 (the first on PostgreSQL): the steps so far are SQLite's; a
    later one will say how it runs on both."""
    start = check_file(path, allow_older=True)
    if is_server(path):
        if start < SCHEMA_VERSION:
            check_version(start, path)
        relay_pg_triggers(path)
        return start, start
    engine = make_engine(path, read_only=False)
    try:
        version = start
        while version < SCHEMA_VERSION:
            with engine.begin() as conn:
                STEPS[version + 1](conn)
                version += 1
                conn.execute(
                    text("UPDATE board_meta SET value = :v WHERE key = 'schema_version'"),
                    {"v": str(version)},
                )
    except DBAPIError as exc:
        raise explain(exc, path) from exc
    finally:
        engine.dispose()
    return start, version
