"""Live refresh: from "the file may have changed" to a new board on screen.

The watcher (or the safety poll) posts `DataMaybeChanged`; a burst of them collapses into one.
One worker at a time asks the store for a snapshot (`SnapshotSource.poll` says None when
`data_version` did not move) and computes its lights off the UI thread; the UI thread applies
the result in one batch. A check asked for while one runs is remembered and run right after,
so a burst of writes costs at most two reads. Every refresh and fault goes to the log.

The live dot tells the truth. Every check first has the watcher resolve the path again and
lay its watches again if the folder or a symlink moved (`DatabaseWatcher.ensure`). A change
that a check found with no file event since the last one means the watch missed it: the
watches are laid again at once and the log says so; a second miss in a row, or a watch that
cannot attach, shows ◐ 定时检查 (the board runs on its safety check alone) instead of ● 实时.
"""

from __future__ import annotations

import logging
import time
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.timer import Timer

from board.config import DisplayOptions
from board.domain.diff import diff_snapshots
from board.errors import BoardError
from board.i18n import t
from board.store.schema import full_check
from board.store.source import SnapshotSource
from board.ui.collector import paused_for_load
from board.ui.messages import BoardLoaded, DataMaybeChanged, FileDamaged, LoadFailed
from board.ui.widgets.header import Freshness
from board.view.board import Board
from board.view.slideshow import Slideshow
from board.watch import DatabaseWatcher

if TYPE_CHECKING:  # psycopg is an extra: imported only for a server database
    from board.store.listen import ChangeListener

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


class LiveRefresh(App[int]):
    """The refresh protocol and the changed-row highlights (a room of BoardApp)."""

    # Given by BoardApp (and the slideshow by Presenting); declared for the type checker.
    options: DisplayOptions
    source: SnapshotSource
    clock: Callable[[], datetime]  # wall time for "updated HH:MM:SS" (tests pin it)
    fresh: Freshness
    slideshow: Slideshow
    watcher: DatabaseWatcher | ChangeListener | None  # ChangeListener: a server database

    if TYPE_CHECKING:

        @abstractmethod
        def render_all(self) -> None: ...

        @abstractmethod
        def render_header(self) -> None: ...

        @abstractmethod
        def render_banner(self) -> None: ...

        @abstractmethod
        def prepare_pages(self) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.board: Board | None = None
        self.error: BoardError | None = None
        self.last_good: datetime | None = None
        self.first_change_id: int | None = None
        self.lit_until: dict[tuple[str, int], float] = {}
        self.refreshes = 0
        self.checks = 0  # finished checks of the file, whatever they found
        self.confirm_seconds = CONFIRM_SECONDS
        # Called with each board right after it is applied to the widgets (`board bench`).
        self.on_applied: Callable[[Board], None] | None = None
        self._loading = False
        self._pending = False
        self._pending_force = False
        self._confirm = False  # the running or next check came from a file event
        self._confirm_timer: Timer | None = None
        self._events = 0  # file events so far (a burst coalesced into one counts once)
        self._events_at_last_news = 0  # ... when the last check with new data ended
        self.watch_misses = 0  # changes in a row that no file event announced
        self._rearm: str | None = None  # why the next check must lay the watches again
        self.damaged: BoardError | None = None  # what the full check found, kept on screen

    def file_event(self) -> None:
        """Called on watchdog's thread: only post (thread-safe, coalesced)."""
        self.post_message(DataMaybeChanged())

    def on_data_maybe_changed(self, _message: DataMaybeChanged) -> None:
        self._events += 1
        self._confirm = True
        self.request_refresh()

    @property
    def watch_state(self) -> str:
        """live (● 实时), polling (● 轮询, --poll) or safety (◐: the 5 s check alone)."""
        watcher = self.watcher
        if watcher is None or not watcher.attached or self.watch_misses >= 2:
            return "safety"
        return "polling" if self.options.poll else "live"

    def request_refresh(self, force: bool = False) -> None:
        """Check the file in a worker; while one runs, remember to check once more after."""
        if self._loading:
            self._pending = True
            self._pending_force = self._pending_force or force
            return
        self._loading = True
        self.load_board(force)

    def today(self) -> date:
        return self.options.today or date.today()

    # A description, or Textual describes the worker by repr() of its arguments: a whole
    # Board, tens of megabytes of text at 10,000 projects, built on the UI thread every time.
    @work(thread=True, exclusive=False, exit_on_error=False, group="load", description="load")
    def load_board(self, force: bool) -> None:
        # Read here, not passed in: a finished worker lingers until a full collection, and
        # whatever it holds (a whole board at 10,000 projects) lingers with it.
        current = self.board
        started = time.perf_counter()
        watcher, reason, self._rearm = self.watcher, self._rearm, None
        if watcher is not None:
            try:
                watcher.ensure(reason or "")
            except OSError as exc:  # e.g. the inotify limit: the safety check still sees all
                log.warning("watch not laid again: %s", exc)
        try:
            with paused_for_load(first=current is None) as keep:
                snapshot = self.source.poll(force=force)
                new_data = snapshot is not None and not force and current is not None
                read_ms = (time.perf_counter() - started) * 1000
                today = self.today()
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
            self.post_message(BoardLoaded(board, new_data))
        except BoardError as exc:
            log.warning("fault kind=%s: %s", exc.kind, exc.message)
            self.post_message(LoadFailed(exc))
        except Exception as exc:  # never let a read kill the board in front of the room
            log.exception("unexpected fault while reading")
            error = BoardError(t("err.internal", detail=exc), kind="internal")
            self.post_message(LoadFailed(error))

    @property
    def settled(self) -> bool:
        """True when a board is shown and no check is running or queued (tests wait on it)."""
        return self.board is not None and not self._loading and not self._pending

    def _after_load(self) -> None:
        self._loading = False
        self.checks += 1
        if self._pending:
            force, self._pending, self._pending_force = self._pending_force, False, False
            self.request_refresh(force)
        elif self._confirm:  # see CONFIRM_SECONDS; the confirming check does not ask for another
            self._confirm = False
            if self._confirm_timer is not None:
                self._confirm_timer.stop()
            self._confirm_timer = self.set_timer(self.confirm_seconds, self.request_refresh)

    def on_board_loaded(self, message: BoardLoaded) -> None:
        now = self.clock()
        self.error = None
        self.last_good = now
        board, message.board = message.board, None  # the message may linger; the board not
        if message.new_data:
            self.note_news()
        if board is not None:
            self.apply_board(board)
        self.fresh = replace(
            self.fresh,
            checked_at=now,
            readable=True,
            changes=self.change_count(),
            watch=self.watch_state,
        )
        self.render_header()
        self.render_banner()
        self._after_load()

    def note_news(self) -> None:
        """A check found writes: announced by a file event since the last such check, or the
        watch missed them (lay it again now; a second miss in a row shows ◐)."""
        if self.watcher is None:
            return
        if self._events != self._events_at_last_news:
            self.watch_misses = 0
        else:
            self.watch_misses += 1
            log.warning("a change no file event announced (%d in a row)", self.watch_misses)
            self._rearm = "unannounced"
            self.request_refresh()
        self._events_at_last_news = self._events

    @work(thread=True, exclusive=True, exit_on_error=False, group="check", description="check")
    def check_whole_file(self) -> None:
        """The whole file's quick_check, after the first screen (before it, only the tables
        the board shows are checked: a large change log made the start four times slower)."""
        try:
            full_check(self.source.path)
        except BoardError as exc:
            if exc.kind == "corrupt":
                log.warning("full check: %s", exc.message)
                self.post_message(FileDamaged(exc))

    def on_file_damaged(self, message: FileDamaged) -> None:
        self.damaged = message.error
        self.render_banner()

    def on_load_failed(self, message: LoadFailed) -> None:
        self.error = message.error
        self.fresh = replace(self.fresh, readable=False, watch=self.watch_state)
        self.render_header()
        self.render_banner()
        self._after_load()

    def change_count(self) -> int:
        if self.board is None or self.first_change_id is None:
            return 0
        return max(0, self.board.snapshot.last_change_id - self.first_change_id)

    def apply_board(self, board: Board) -> None:
        previous = self.board
        self.board = board
        self.refreshes += 1
        if self.first_change_id is None:
            self.first_change_id = board.snapshot.last_change_id
        if previous is None:
            self.set_timer(PREPARE_PAGES_AFTER, self.prepare_pages)
            self.set_timer(PREPARE_PAGES_AFTER * 2, self.check_whole_file)
        else:
            diff = board.changed or diff_snapshots(previous.snapshot, board.snapshot)
            now = time.monotonic()
            until = now + HIGHLIGHT_SECONDS
            # Faded highlights are dropped, or a day of writes keeps one entry per row ever changed.
            self.lit_until = {key: end for key, end in self.lit_until.items() if end > now}
            for kind, ids in (
                ("project", diff.projects),
                ("department", diff.departments),
                ("blocker", diff.blockers),
            ):
                for ident in ids:
                    self.lit_until[(kind, ident)] = until
            if not diff.empty:
                self.set_timer(HIGHLIGHT_SECONDS + 0.1, self.render_all)
        if self.slideshow.running:
            self.slideshow.update_pages(board)
        started = time.perf_counter()
        self.render_all()
        log.info(
            "applied refresh=%d apply_ms=%.1f",
            self.refreshes,
            (time.perf_counter() - started) * 1000,
        )
        if self.on_applied is not None:
            self.on_applied(board)

    def lit(self, kind: str) -> set[int]:
        """Ids of `kind` rows changed within the last few seconds (drawn highlighted)."""
        now = time.monotonic()
        return {ident for (k, ident), until in self.lit_until.items() if k == kind and until > now}
