"""SQLAlchemy engines for the shared file, and turning SQLite failures into one-line errors.
(A server database gets its engine and its errors from `board.store.pg`; both entry points
here take either.)

Two flavours: a read-only engine (`mode=ro`: the display writes nothing) and a writer engine
(busy timeout, foreign keys on, `BEGIN IMMEDIATE` so two writers queue instead of deadlocking).
Both take SQLite's transaction control away from the pysqlite driver, so a read transaction
starts exactly when we begin one and ends when we leave it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from board.errors import BoardError, quoted
from board.i18n import t
from board.store.location import Where, is_server
from board.store.pg import explain_pg, make_pg_engine

BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_url(path: Path, *, read_only: bool) -> str:
    """A pysqlite URI URL for `path`; read-only ones cannot write even by mistake."""
    uri = "file:" + quote(str(path.resolve()))
    params = "mode=ro&uri=true" if read_only else "uri=true"
    return f"sqlite+pysqlite:///{uri}?{params}"


def decode_text(raw: bytes) -> str:
    """A TEXT value as str. Bytes that are not UTF-8 (a legacy tool writing GBK, say) become
    U+FFFD: the default decoder raises instead, and one such value made the whole file
    unreadable for every board."""
    return raw.decode("utf-8", "replace")


def make_engine(path: Where, *, read_only: bool, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine on `path` whose connections may move between worker threads (a server
    database: `board.store.pg`)."""
    if is_server(path):
        return make_pg_engine(path, read_only=read_only)
    engine = create_engine(
        sqlite_url(path, read_only=read_only),
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        poolclass=NullPool,
    )
    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        dbapi_connection.text_factory = decode_text
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if not read_only:
            cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


def checkpoint(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """Fold the WAL back into the main file and truncate it (outside any transaction)."""
    raw = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None)
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def journal_is_wal(path: Path) -> bool:
    """WAL files say so in their header (file format versions 2 at bytes 18 and 19)."""
    with path.open("rb") as handle:
        header = handle.read(20)
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def looks_like_sqlite(path: Path) -> bool:
    """True when the file starts with SQLite's header (an empty file counts: SQLite accepts it).

    Asked of SQLite first, not with open() and close(): closing any descriptor of a file drops
    every POSIX lock this process holds on it, its own SQLite connections' included (a
    display's read lock; in a rollback journal, an edit's write lock, which let another
    process write at the same time). SQLite defers such closes while locks are held. Only a
    file SQLite cannot use at all, on which no connection of ours holds a lock, is read here.
    """
    path.stat()  # a missing file: FileNotFoundError, as open() raised
    if not os.access(path, os.R_OK):  # what open() said, without opening anything
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    try:
        uri = "file:" + quote(str(path.resolve())) + "?mode=ro"
        raw = sqlite3.connect(uri, uri=True, timeout=0)
        try:
            raw.execute("PRAGMA schema_version").fetchone()
        finally:
            raw.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_NOTADB":
            return True  # busy, a hot journal, damage further in: the caller's connection says
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
        return head == SQLITE_HEADER or head == b""
    return True


def errno_of(exc: BaseException | None) -> int | None:
    return exc.errno if isinstance(exc, OSError) else None


def explain(exc: BaseException, path: Where) -> BoardError:
    """Turn a driver exception into the one line a user reads, with a kind the UI can show."""
    if is_server(path):
        return explain_pg(exc, path)
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig).lower()
    # A writer died mid-transaction (DELETE journal) and left a hot journal that a read-only
    # connection may not roll back: the file is not ours to fix, but not unwritable either.
    # It reads again once any writer opens it, so the display waits as for a lock.
    name = getattr(orig, "sqlite_errorname", "")
    if "locked" in text or "busy" in text or name == "SQLITE_READONLY_ROLLBACK":
        return BoardError(t("err.locked", path=path), kind="locked")
    if "malformed" in text or "not a database" in text or "disk image" in text:
        return BoardError(t("err.corrupt", path=path), kind="corrupt")
    if name == "SQLITE_FULL" or "disk is full" in text or errno_of(orig) == errno.ENOSPC:
        return BoardError(t("err.disk_full", path=path), kind="full")
    if name == "SQLITE_READONLY_DIRECTORY":
        # A WAL file's reader must create <db>-shm beside it; the folder refuses.
        folder = path.resolve().parent
        command = f"board migrate --journal delete --db {quoted(path)}"
        return BoardError(
            t("err.shm_folder", path=path, folder=folder, name=path.name, command=command),
            kind="readonly",
        )
    unreadable = isinstance(orig, PermissionError) or (
        path.exists() and not os.access(path, os.R_OK)
    )
    if unreadable and not ("readonly" in text or "read-only" in text):
        return BoardError(t("err.unreadable", path=path), kind="unreadable")
    if "unable to open" in text or "no such file" in text:
        return BoardError(t("err.missing", path=quoted(path)), kind="missing")
    if "no such table" in text or "no such column" in text:
        return BoardError(t("err.not_board", path=path), kind="not_board")
    if "readonly" in text or "read-only" in text or "permission" in text:
        return BoardError(t("err.readonly", path=path), kind="readonly")
    if isinstance(orig, sqlite3.Error):
        return BoardError(t("err.sqlite", path=path, detail=str(orig)), kind="sqlite")
    return BoardError(t("err.io", path=path, detail=str(orig)), kind="io")
