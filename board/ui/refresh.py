"""Live refresh: from "the file may have changed" to a new board on screen.

The watcher (or the safety poll) posts `DataMaybeChanged`; a burst of them collapses into one.
One worker at a time asks the store for a snapshot (`SnapshotSource.poll` says None when
`data_version` did not move) and computes its lights off the UI thread; the UI thread applies
the result in one batch. A check asked for while one runs is remembered and run right after,
so a burst of writes costs at most two reads. Every refresh and fault goes to the log.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from textual import work

from board.domain.diff import diff_snapshots
from board.errors import BoardError
from board.i18n import t
from board.ui.collector import paused_for_load
from board.ui.messages import BoardLoaded, DataMaybeChanged, LoadFailed
from board.view.board import Board

if TYPE_CHECKING:
    from board.ui.app import BoardApp

HIGHLIGHT_SECONDS = 3.0
# After the first board, when the kept detail pages are built (the first paint is done by then).
PREPARE_PAGES_AFTER = 0.5
# A WAL commit writes its frames to `-wal` (the event the watcher sees) a moment before it
# updates the WAL index in `-shm` that makes it visible, and no event reports that. A check that
# starts in between finds nothing new, and if no later write comes, the change waited for the
# safety poll (seen once in 50 writes at 10,000 projects: 4.6 s). So a check started by a file
# event is followed by one more, this long after it ends.
CONFIRM_SECONDS = 0.05
log = logging.getLogger("board.refresh")


class LiveRefresh:
    """Mixed into BoardApp: the refresh protocol and the changed-row highlights."""

    def _app(self) -> BoardApp:
        return self  # type: ignore[return-value]

    def file_event(self) -> None:
        """Called on watchdog's thread: only post (thread-safe, coalesced)."""
        app = self._app()
        app.post_message(DataMaybeChanged())

    def on_data_maybe_changed(self, _message: DataMaybeChanged) -> None:
        app = self._app()
        app._confirm = True
        app.request_refresh()

    def request_refresh(self, force: bool = False) -> None:
        """Check the file in a worker; while one runs, remember to check once more after."""
        app = self._app()
        if app._loading:
            app._pending = True
            app._pending_force = app._pending_force or force
            return
        app._loading = True
        app.load_board(force)

    def today(self) -> date:
        app = self._app()
        return app.options.today or date.today()

    # A description, or Textual describes the worker by repr() of its arguments: a whole
    # Board, tens of megabytes of text at 10,000 projects, built on the UI thread every time.
    @work(thread=True, exclusive=False, exit_on_error=False, group="load", description="load")
    def load_board(self, force: bool) -> None:
        app = self._app()
        # Read here, not passed in: a finished worker lingers until a full collection, and
        # whatever it holds (a whole board at 10,000 projects) lingers with it.
        current = app.board
        started = time.perf_counter()
        try:
            with paused_for_load(first=current is None) as keep:
                snapshot = app.source.poll(force=force)
                read_ms = (time.perf_counter() - started) * 1000
                today = app.today()
                if snapshot is None and current is not None and current.today != today:
                    snapshot = current.snapshot  # midnight passed: same data, new lights
                board = Board.build(snapshot, today, current) if snapshot is not None else None
                if board is not None and board.touched is None:  # built from scratch
                    keep()
            if board is not None:
                log.info(
                    "read data_version=%s projects=%d pledges=%d read_ms=%.1f build_ms=%.1f",
                    board.snapshot.data_version,
                    len(board.snapshot.projects),
                    len(board.snapshot.pledges),
                    read_ms,
                    (time.perf_counter() - started) * 1000 - read_ms,
                )
            app.post_message(BoardLoaded(board))
        except BoardError as exc:
            log.warning("fault kind=%s: %s", exc.kind, exc.message)
            app.post_message(LoadFailed(exc))
        except Exception as exc:  # never let a read kill the board in front of the room
            log.exception("unexpected fault while reading")
            app.post_message(LoadFailed(BoardError(t("err.internal", detail=exc), kind="internal")))

    @property
    def settled(self) -> bool:
        """True when a board is shown and no check is running or queued (tests wait on it)."""
        app = self._app()
        return app.board is not None and not app._loading and not app._pending

    def _after_load(self) -> None:
        app = self._app()
        app._loading = False
        app.checks += 1
        if app._pending:
            force, app._pending, app._pending_force = app._pending_force, False, False
            app.request_refresh(force)
        elif app._confirm:  # see CONFIRM_SECONDS; the confirming check does not ask for another
            app._confirm = False
            if app._confirm_timer is not None:
                app._confirm_timer.stop()
            app._confirm_timer = app.set_timer(app.confirm_seconds, app.request_refresh)

    def on_board_loaded(self, message: BoardLoaded) -> None:
        app = self._app()
        now = app.clock()
        app.error = None
        app.last_good = now
        board, message.board = message.board, None  # the message may linger; the board not
        if board is not None:
            app.apply_board(board)
        app.fresh = replace(app.fresh, checked_at=now, readable=True, changes=app.change_count())
        app.render_header()
        app.render_banner()
        app._after_load()

    def on_load_failed(self, message: LoadFailed) -> None:
        app = self._app()
        app.error = message.error
        app.fresh = replace(app.fresh, readable=False)
        app.render_header()
        app.render_banner()
        app._after_load()

    def change_count(self) -> int:
        app = self._app()
        if app.board is None or app.first_change_id is None:
            return 0
        return max(0, app.board.snapshot.last_change_id - app.first_change_id)

    def apply_board(self, board: Board) -> None:
        app = self._app()
        previous = app.board
        app.board = board
        app.refreshes += 1
        if app.first_change_id is None:
            app.first_change_id = board.snapshot.last_change_id
        if previous is None:
            app.set_timer(PREPARE_PAGES_AFTER, app.prepare_pages)
        else:
            diff = board.changed or diff_snapshots(previous.snapshot, board.snapshot)
            until = time.monotonic() + HIGHLIGHT_SECONDS
            for kind, ids in (
                ("project", diff.projects),
                ("department", diff.departments),
                ("blocker", diff.blockers),
            ):
                for ident in ids:
                    app.lit_until[(kind, ident)] = until
            if not diff.empty:
                app.set_timer(HIGHLIGHT_SECONDS + 0.1, app.render_all)
        if app.slideshow.running:
            app.slideshow.update_pages(board)
        started = time.perf_counter()
        app.render_all()
        log.info(
            "applied refresh=%d apply_ms=%.1f",
            app.refreshes,
            (time.perf_counter() - started) * 1000,
        )
        if app.on_applied is not None:
            app.on_applied(board)

    def lit(self, kind: str) -> set[int]:
        """Ids of `kind` rows changed within the last few seconds (drawn highlighted)."""
        app = self._app()
        now = time.monotonic()
        return {ident for (k, ident), until in app.lit_until.items() if k == kind and until > now}
