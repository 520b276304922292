"""The real board on a server database: a write from another connection shows by
LISTEN/NOTIFY (the safety poll is set to a minute, so only the notification can bring it);
a server-side kill of the board's listener or of its reader shows the banner, and the board
recovers by itself with nothing missed."""

from __future__ import annotations

import threading
import time

import psycopg

from board.i18n import t
from board.store.location import ServerDb
from tests.conftest import FIXED_NOW, make_app, settle, wait_for
from tests.pg.conftest import admin_conninfo

LOST = t("banner.link_lost", time=FIXED_NOW.strftime("%H:%M"))


def psql(db: ServerDb, sql: str) -> None:
    """A write by another client, as psql would make it (autocommit: one statement, one commit)."""
    with psycopg.connect(admin_conninfo(db.name), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def terminate(db: ServerDb, application: str) -> None:
    """pg_terminate_backend on the board's connections named `application`, and wait until
    they are gone (the call only signals the backend)."""
    who = f"datname = '{db.name}' AND application_name = '{application}'"
    with psycopg.connect(admin_conninfo(db.name), autocommit=True) as conn:
        conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {who}")  # type: ignore[arg-type]
        for _ in range(200):
            left = conn.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {who}").fetchone()  # type: ignore[arg-type]
            if left is not None and left[0] == 0:
                return
            time.sleep(0.01)
    raise AssertionError(f"{application} connections outlived pg_terminate_backend")


def progress_of(app: object, code: str) -> int | None:
    board = app.board  # type: ignore[attr-defined]
    if board is None:
        return None
    return next(p.progress for p in board.snapshot.projects if p.code == code)


def banner(app: object) -> str | None:
    overview = app.overview  # type: ignore[attr-defined]
    return None if overview is None else overview._banner  # type: ignore[no-any-return]


async def test_a_psql_write_shows_live(pg_demo: ServerDb) -> None:
    app = make_app(pg_demo, safety_poll=60)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.watcher is not None and app.watcher.attached, 5)
        code = app.board.snapshot.projects[0].code
        psql(pg_demo, f"UPDATE projects SET progress = 77 WHERE code = '{code}'")
        await wait_for(pilot, lambda: progress_of(app, code) == 77, 3, "the write on screen")
        assert app.board.snapshot.delta is not None  # read incrementally, from change_log
        assert app.watch_state == "live"


async def test_listener_and_reader_killed_banner_then_recovery(pg_demo: ServerDb) -> None:
    app = make_app(pg_demo, safety_poll=60)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        listener = app.watcher
        await wait_for(pilot, lambda: listener is not None and listener.attached, 5)
        pid = listener.backend_pid  # type: ignore[union-attr]
        code = app.board.snapshot.projects[0].code
        # Cut the listener, and write while it is gone: no notification reaches anyone.
        terminate(pg_demo, "board-listen")
        await wait_for(pilot, lambda: banner(app) == LOST, 3, "the lost-connection banner")
        psql(pg_demo, f"UPDATE projects SET progress = 61 WHERE code = '{code}'")
        await wait_for(pilot, lambda: progress_of(app, code) == 61, 8, "caught up after LISTEN")
        await wait_for(pilot, lambda: banner(app) is None, 3, "banner gone")
        assert listener.backend_pid != pid  # type: ignore[union-attr]
        assert listener.reconnects == 1  # type: ignore[union-attr]
        # Now the reader: its next check fails and says so; the next write's check recovers.
        await wait_for(pilot, lambda: app.settled, 3, "no check running")
        await pilot.pause(0.2)  # the confirming check after the last one, too
        terminate(pg_demo, "board")
        app.request_refresh()
        await wait_for(pilot, lambda: app.error is not None, 3, "a check on the cut reader")
        assert app.error is not None and app.error.kind == "disconnected"
        assert banner(app) == LOST
        # Tried again soon by itself (no write, no safety check within the minute).
        await wait_for(pilot, lambda: banner(app) is None, 3, "banner gone again")
        psql(pg_demo, f"UPDATE projects SET progress = 62 WHERE code = '{code}'")
        await wait_for(pilot, lambda: progress_of(app, code) == 62, 5, "read on a new connection")
    assert not listener.attached  # type: ignore[union-attr]
    # No thread outlives the app: the listener's has ended, not merely been let go.
    assert [t.name for t in threading.enumerate() if t.name == "board-listen"] == []
