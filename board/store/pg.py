"""PostgreSQL: engines, one-line errors, and creating and checking a board database there.

The same models and contract as the SQLite file (`board.store.models`); the triggers are
PL/pgSQL (`board.store.pg_triggers`). Displays read in REPEATABLE READ, read-only transactions
(one snapshot of every table per read, as SQLite's read transaction gives); writers also run in
REPEATABLE READ, so two edits of one row cannot both pass the version check: the second gets a
serialization failure and the write layer runs it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from board.errors import BoardError
from board.i18n import t
from board.store.location import ServerDb
from board.store.migrations import SCHEMA_VERSION
from board.store.models import Base
from board.store.pg_triggers import pg_triggers

CONNECT_TIMEOUT_S = 5
# SQLSTATEs the write layer retries: serialization failure, deadlock, lock not available.
RETRY_STATES = frozenset({"40001", "40P01", "55P03"})
# The connection was cut (server restart, pg_terminate_backend, network): retry on a new one.
LOST_STATES = frozenset({"57P01", "57P02", "57P03", "08000", "08003", "08006"})
LOST_WORDS = (
    "server closed the connection",
    "terminating connection",
    "consuming input failed",
    "connection is closed",
    "connection already closed",
    "the connection is lost",
    "ssl syscall",
    "eof detected",
)


def make_pg_engine(where: ServerDb, *, read_only: bool) -> Engine:
    """An engine on a server database. Read-only ones run every transaction READ ONLY."""
    try:
        import psycopg  # noqa: F401  (an extra: board[postgresql])
    except ImportError as exc:
        raise BoardError(t("err.pg_driver"), kind="value") from exc
    engine = create_engine(
        where.url,
        isolation_level="REPEATABLE READ",
        pool_pre_ping=True,
        pool_size=2,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "board"},
    )
    if read_only:

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET default_transaction_read_only = on")
            dbapi_connection.commit()

    return engine


def sqlstate(exc: BaseException) -> str:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return str(getattr(orig, "sqlstate", "") or "")


def is_retryable(exc: BaseException) -> bool:
    return sqlstate(exc) in RETRY_STATES


def is_lost(exc: BaseException) -> bool:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    words = str(orig).lower()
    return sqlstate(exc) in LOST_STATES or any(w in words for w in LOST_WORDS)


def explain_pg(exc: BaseException, where: ServerDb) -> BoardError:
    """A psycopg failure as the one line a user reads, with a kind the UI can show."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    words = str(orig).lower()
    state = sqlstate(exc)
    server = f"{where.url.host or 'localhost'}:{where.url.port or 5432}"
    if (
        "password authentication failed" in words
        or ("role" in words and "does not exist" in words)
        or "no pg_hba.conf entry" in words
        or state in {"28P01", "28000"}
    ):
        user = where.url.username or "—"
        return BoardError(t("err.pg_login", user=user, server=server), kind="login")
    if "database" in words and "does not exist" in words:
        return BoardError(t("err.pg_no_database", name=where.name, server=server), kind="missing")
    if (
        "connection failed" in words
        or "could not connect" in words
        or "timeout expired" in words
        or ("could not translate host" in words or "connection refused" in words)
    ):
        return BoardError(t("err.pg_unreachable", server=server), kind="unreachable")
    if is_lost(exc):
        return BoardError(t("err.pg_lost", server=server), kind="disconnected")
    if state == "42P01" or state == "42703":
        return BoardError(t("err.not_board", path=where), kind="not_board")
    if state == "42501" or state == "25006":
        return BoardError(t("err.pg_denied", path=where), kind="readonly")
    if state in RETRY_STATES:
        return BoardError(t("err.locked", path=where), kind="locked")
    detail = " ".join(str(orig).split())
    return BoardError(t("err.pg", path=where, detail=detail), kind="server")


def install_pg_schema(conn: Connection, meta: Mapping[str, str]) -> None:
    """Every table, index, function and trigger of the current version, and the meta rows."""
    Base.metadata.create_all(conn)
    for sql in pg_triggers():
        conn.exec_driver_sql(sql)
    rows = {"schema_version": str(SCHEMA_VERSION), **meta}
    conn.execute(
        text(
            "INSERT INTO board_meta (key, value) VALUES (:key, :value) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        [{"key": k, "value": v} for k, v in rows.items()],
    )


def has_board_tables(conn: Connection) -> bool:
    return bool(conn.execute(text("SELECT to_regclass('board_meta') IS NOT NULL")).scalar_one())


def is_empty(conn: Connection) -> bool:
    """No table at all in the schemas the user sees (a database fresh from CREATE DATABASE)."""
    count = conn.execute(
        text(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ANY (current_schemas(false))"
        )
    ).scalar_one()
    return int(count) == 0


def create_pg_database(where: ServerDb, meta: Mapping[str, str]) -> None:
    """Lay board's schema into an existing, empty server database (`board init`)."""
    engine = make_pg_engine(where, read_only=False)
    try:
        with engine.begin() as conn:
            if has_board_tables(conn) or not is_empty(conn):
                raise BoardError(t("err.exists", path=where), kind="exists")
            install_pg_schema(conn, meta)
    except DBAPIError as exc:
        raise explain_pg(exc, where) from exc
    finally:
        engine.dispose()


def top_change_id(conn: Connection) -> int:
    """The highest change_log id: on PostgreSQL, what `PRAGMA data_version` is on SQLite (it
    moves whenever anyone's commit logged a change, and the triggers log every change)."""
    return int(conn.execute(text("SELECT coalesce(max(id), 0) FROM change_log")).scalar_one())


def reset_sequences(conn: Connection) -> None:
    """Each table's id sequence past its highest id (after rows were copied in with their ids)."""
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def drop_board_tables(conn: Connection) -> None:
    """Drop every board table (its triggers go with it): `board demo --fresh`, `copy --replace`."""
    names = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {names} CASCADE")


def meta_value(conn: Connection, key: str) -> str | None:
    value = conn.execute(
        text("SELECT value FROM board_meta WHERE key = :key"), {"key": key}
    ).scalar_one_or_none()
    return None if value is None else str(value)


def prepare_pg_demo(conn: Connection, where: ServerDb) -> None:
    """Only an earlier demo may be replaced (dropped here), or an empty database filled."""
    if has_board_tables(conn):
        if meta_value(conn, "demo") != "1":
            raise BoardError(t("err.not_demo", path=where), kind="exists")
        drop_board_tables(conn)
    elif not is_empty(conn):
        raise BoardError(t("err.not_demo", path=where), kind="exists")


def pg_demo_has_changes(where: ServerDb) -> bool:
    """`demo_has_changes` for a server database (False when it cannot tell: the build says)."""
    engine = make_pg_engine(where, read_only=True)
    try:
        with engine.connect() as conn:
            if not has_board_tables(conn) or meta_value(conn, "demo") != "1":
                return False
            mark = meta_value(conn, "demo_log_top") or "0"
            return top_change_id(conn) > (int(mark) if mark.isdigit() else 0)
    except DBAPIError:
        return False
    finally:
        engine.dispose()
