"""The display's view of the file: one dedicated read-only connection that says what changed.

`SnapshotSource.poll()` is the store's half of the refresh pipeline (docs/architecture.md):
check the file is still the same file (a replaced file has a new inode and needs a new
connection), ask `PRAGMA data_version` on the one long-lived connection (it moves when any
other connection commits), and only then read a new snapshot, in one short read transaction so
the display never holds a checkpoint back. It is called from worker threads, one at a time.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from board.domain.snapshot import Snapshot
from board.errors import BoardError, quoted
from board.i18n import t
from board.store.engine import explain, looks_like_sqlite, make_engine
from board.store.incremental import load_incremental
from board.store.location import ServerDb, Where, is_server
from board.store.pg import top_change_id
from board.store.reader import load_snapshot
from board.store.schema import check_version, read_schema_version

# A full load now and then, however well the incremental ones go: cheap insurance.
FULL_EVERY = 200


class SnapshotSource:
    """Loads snapshots of one database file, only when it has changed."""

    def __init__(self, path: Where) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._conn: Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._fingerprint: tuple[int, int] | None = None
        self._data_version: int | None = None
        self._snapshot: Snapshot | None = None  # the last one loaded, for incremental loads
        self._incremental_loads = 0

    def poll(self, *, force: bool = False) -> Snapshot | None:
        """A new snapshot if the file changed since the last one (or `force`), else None.

        Raises `BoardError` (with a `kind`) when the file cannot be read right now; the next
        call starts afresh, so the caller just keeps its last snapshot and tries again later.
        """
        with self._lock:
            try:
                if is_server(self.path):
                    return self._poll_server(self.path, force)
                return self._poll(self.path, force)
            except BoardError:
                self._close()
                raise
            except (DBAPIError, OSError) as exc:
                self._close()
                raise explain(exc, self.path) from exc

    def _poll_server(self, where: ServerDb, force: bool) -> Snapshot | None:
        """The same on PostgreSQL: the highest change_log id stands for data_version (any
        commit that changed a row moved it), read in the same REPEATABLE READ transaction as
        the rows, so the two agree. After a lost connection the last snapshot is kept: the
        next read is incremental from its last change id, so nothing is missed or re-read."""
        if self._conn is None:
            if self._engine is None:
                self._engine = make_engine(where, read_only=True)
            self._conn = self._engine.connect()
        conn = self._conn
        with conn.begin():
            top = top_change_id(conn)
            if not force and self._snapshot is not None and top == self._data_version:
                return None
            check_version(read_schema_version(conn, where), where)
            snapshot = None
            if not force and self._snapshot is not None and self._incremental_loads < FULL_EVERY:
                snapshot = load_incremental(conn, self._snapshot, top)
            if snapshot is None:
                snapshot = load_snapshot(conn, top)
                self._incremental_loads = 0
            else:
                self._incremental_loads += 1
        self._data_version = top
        self._snapshot = snapshot
        return snapshot

    def _poll(self, path: Path, force: bool) -> Snapshot | None:
        try:
            stat = os.stat(path)
        except FileNotFoundError as exc:
            raise BoardError(t("err.missing", path=quoted(self.path)), kind="missing") from exc
        identity = (stat.st_dev, stat.st_ino)
        fingerprint = (stat.st_mtime_ns, stat.st_size)
        rewritten = self._fingerprint is not None and fingerprint != self._fingerprint
        if identity != self._identity or self._conn is None:
            self._close()
            if not looks_like_sqlite(path):
                raise BoardError(t("err.not_sqlite", path=self.path), kind="corrupt")
            self._engine = make_engine(self.path, read_only=True)
            self._conn = self._engine.connect()
            self._identity = identity
            force = True
        elif rewritten:
            # Same file, new bytes: every DELETE-journal commit, or a `cp` over it. A fresh
            # connection drops any cached page; the change log still says what changed.
            # Unless no commit did it (our connection's data_version has not moved): a `cp` of
            # the same history, a checkpoint, or damage (random bytes over pages), which only a
            # full read shows; an incremental one would not touch the damaged pages.
            committed = self._committed_since()
            self._reconnect()
            force = force or not committed
        conn = self._conn
        assert conn is not None
        with conn.begin():
            data_version = int(conn.execute(text("PRAGMA data_version")).scalar_one())
            if not force and data_version == self._data_version:
                return None
            check_version(read_schema_version(conn, self.path), self.path)
            snapshot = None
            if not force and self._snapshot is not None and self._incremental_loads < FULL_EVERY:
                snapshot = load_incremental(conn, self._snapshot, data_version)
            if snapshot is None:
                snapshot = load_snapshot(conn, data_version)
                self._incremental_loads = 0
            else:
                self._incremental_loads += 1
        self._data_version = data_version
        self._fingerprint = fingerprint
        self._snapshot = snapshot
        return snapshot

    def _committed_since(self) -> bool:
        """True when another connection committed since our last read (asked on the old
        connection: a new one's data_version means nothing)."""
        if self._conn is None or self._data_version is None:
            return False
        with self._conn.begin():
            now = int(self._conn.execute(text("PRAGMA data_version")).scalar_one())
        return now != self._data_version

    def _reconnect(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(DBAPIError):
                self._conn.close()
        assert self._engine is not None
        self._engine.dispose()
        self._conn = self._engine.connect()
        self._data_version = None  # a new connection's data_version starts afresh

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(DBAPIError):
                self._conn.close()
        if self._engine is not None:
            self._engine.dispose()
        self._conn = None
        self._engine = None
        self._identity = None
        if not is_server(self.path):  # a server's change ids mean the same on any connection
            self._data_version = None
            self._snapshot = None

    def close(self) -> None:
        """Release the connection (the app calls this on exit)."""
        with self._lock:
            self._close()
