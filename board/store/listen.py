"""LISTEN/NOTIFY: a server database's "maybe changed", the job watch.py does for a file.

One dedicated autocommit psycopg connection LISTENs on `board_changes` on a thread of its own
(`Connection.notifies(timeout=…)`, so the thread looks up at least every `WAIT_SECONDS` and
stops when asked). A commit's notifications arrive together: they are drained and reported as
one call of `on_change`. When the connection is lost (server restart, `pg_terminate_backend`,
network), `on_state(False)` says so, the thread reconnects with a growing, capped backoff,
LISTENs again, says `on_state(True)` and calls `on_change` once: the reader then catches up
from its last change id, so a write made while no one listened is not missed.

The callbacks run on this thread: they may only post a message. `stop()` ends the thread and
waits for it (bounded), so no thread outlives the app.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

import psycopg

from board.store.location import ServerDb
from board.store.pg import CONNECT_TIMEOUT_S
from board.store.pg_triggers import CHANNEL

log = logging.getLogger("board.listen")
WAIT_SECONDS = 0.5  # how long one notifies() call waits: the bound on stop()'s latency
IDLE_PING_SECONDS = 5.0  # an idle connection is asked SELECT 1 this often (a dead link shows)
BACKOFF_FIRST = 0.2
BACKOFF_MAX = 5.0


class ChangeListener:
    """The listening thread; `attached` is True while it LISTENs on a live connection."""

    def __init__(
        self,
        where: ServerDb,
        on_change: Callable[[], None],
        on_state: Callable[[bool], None] | None = None,
    ) -> None:
        self.where = where
        self.on_change = on_change
        self.on_state = on_state or (lambda _up: None)
        self.notified = 0  # commits reported (a burst of notifications counts once)
        self.reconnects = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: psycopg.Connection[object] | None = None
        self._attached = False
        self.backend_pid: int | None = None  # the server process of our connection (tests)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="board-listen", daemon=True)
        self._thread.start()

    @property
    def attached(self) -> bool:
        return self._attached

    def ensure(self, reason: str = "") -> bool:
        """The watcher's healing hook: the listener heals itself, so nothing to do here."""
        return False

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=WAIT_SECONDS * 4 + CONNECT_TIMEOUT_S)

    def _run(self) -> None:
        backoff = BACKOFF_FIRST
        ever = False
        while not self._stop.is_set():
            try:
                conn = psycopg.connect(
                    self.where.conninfo,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT_S,
                    application_name="board-listen",
                )
            except psycopg.Error as exc:
                log.warning("listen: cannot connect: %s", " ".join(str(exc).split()))
                self._stop.wait(backoff)
                backoff = min(BACKOFF_MAX, backoff * 2)
                continue
            try:
                self._conn = conn
                conn.execute(f"LISTEN {CHANNEL}")
                self.backend_pid = conn.info.backend_pid
                self._attached = True
                backoff = BACKOFF_FIRST
                if ever:
                    self.reconnects += 1
                    log.warning("listen: connected again (%d)", self.reconnects)
                self.on_state(True)
                if ever:
                    self.on_change()  # catch up on whatever was written meanwhile
                ever = True
                self._listen(conn)
            except psycopg.Error as exc:
                log.warning("listen: connection lost: %s", " ".join(str(exc).split()))
            finally:
                was = self._attached
                self._attached = False
                self._conn = None
                with contextlib.suppress(psycopg.Error):
                    conn.close()
                if was and not self._stop.is_set():
                    self.on_state(False)
            self._stop.wait(backoff)

    def _listen(self, conn: psycopg.Connection[object]) -> None:
        quiet_since = time.monotonic()
        while not self._stop.is_set():
            got = 0
            for _note in conn.notifies(timeout=WAIT_SECONDS, stop_after=1):
                got += 1
            if got:
                # The rest of this commit's (and any next commit's) notes, already here.
                for _note in conn.notifies(timeout=0.001):
                    got += 1
                self.notified += 1
                self.on_change()
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > IDLE_PING_SECONDS:
                conn.execute("SELECT 1")
                quiet_since = time.monotonic()
