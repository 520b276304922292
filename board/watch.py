"""Watch the database's folder and say "maybe changed" when its own files are written.

The folder is watched, not the file: in WAL mode a commit touches only `<db>-wal`, and a sync
tool that replaces the file does it by a rename onto `<db>`. Only modify/create/delete/move
events of `<db>`, `<db>-wal` and `<db>-journal` count: never `-shm` (readers write it, so a
reload that reacted to it would feed itself) and never open/close/attribute events (our own
reads cause those). The callback runs on watchdog's thread and must only post a message.

The watch heals itself. A restore script that deletes the folder and makes it again, a folder
renamed away and back, a deploy script that re-points a symlink on the path (the file's own
link, or a folder link like `current -> releases/v2`): each left the old watch on a folder
that no longer holds the file, and the board ran on its 5 s safety check alone while it said
● 实时. So the path is resolved again on every safety check (`ensure`): the folder holding the
file and the folder holding each symlink on the way are watched, and when one of them is not
the folder that is watched (or its watch died with it), the watches are laid again.

Every platform: `watchdog.observers.Observer` is watchdog's own pick of the native observer
(watchdog 7: inotify on Linux, FSEvents on macOS with kqueue as its fallback,
ReadDirectoryChangesW on Windows, kqueue on BSD, polling anywhere else), so nothing here looks
at the platform. `--poll` forces the PollingObserver, for network shares that no native
observer sees. A native observer that batches events (FSEvents) or reports a write to a
still-open file late (Windows) costs only latency: the app's safety poll reads the file anyway.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

RELEVANT_EVENTS = frozenset(
    {EVENT_TYPE_MODIFIED, EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED}
)
log = logging.getLogger("board.watch")


def watched_names(db: Path) -> frozenset[str]:
    """The file names whose changes mean the data may have changed."""
    name = db.name
    return frozenset({name, f"{name}-wal", f"{name}-journal"})


class DatabaseEventFilter(FileSystemEventHandler):
    """Passes on only the events, in one folder, of the names that can mean new data."""

    def __init__(self, names: frozenset[str], on_change: Callable[[], None]) -> None:
        self.names = names
        self.on_change = on_change

    def is_relevant(self, event: FileSystemEvent) -> bool:
        if event.event_type not in RELEVANT_EVENTS:
            return False
        if event.is_directory and event.event_type != EVENT_TYPE_MOVED:
            return False  # a folder link moved onto its name shows as a directory move
        paths = [event.src_path, getattr(event, "dest_path", "")]
        return any(p and os.path.basename(os.fsdecode(p)) in self.names for p in paths)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if self.is_relevant(event):
            self.on_change()


@dataclass(frozen=True)
class Spot:
    """One folder to watch, as it is now: its resolved path, identity, and the names in it."""

    folder: str
    identity: tuple[int, int] | None  # (st_dev, st_ino); None while the folder is missing
    names: frozenset[str]


def plan(db: Path) -> tuple[Spot, ...]:
    """The folders that must be watched for `db` today: the one holding the file the path
    resolves to, and the one holding each symlink along the path (its re-pointing is a move
    there). Each folder is resolved, as the kernel watches what a path resolves to."""
    spots: dict[str, set[str]] = {}
    path = Path(os.path.abspath(db))
    target = Path(os.path.realpath(path))
    spots.setdefault(str(target.parent), set()).update(watched_names(target))
    here = Path(path.anchor)
    for part in path.parts[1:]:
        here = here / part
        if here.is_symlink():
            holder = os.path.realpath(here.parent)
            spots.setdefault(holder, set()).add(part)
    out = []
    for folder, names in sorted(spots.items()):
        try:
            stat = os.stat(folder)
            identity: tuple[int, int] | None = (stat.st_dev, stat.st_ino)
        except OSError:
            identity = None
        out.append(Spot(folder, identity, frozenset(names)))
    return tuple(out)


# --poll: how often the folder is listed and its files stat()ed. A folder of its own holds three
# files, so half a second costs nothing measurable, and a write shows ~0.25 s sooner on average
# than with watchdog's default of one second.
POLL_SECONDS = 0.5


class DatabaseWatcher:
    """A watchdog observer on the folders of the database's path, laid again when they move."""

    def __init__(
        self,
        db: Path,
        on_change: Callable[[], None],
        *,
        poll: bool = False,
        poll_interval: float = POLL_SECONDS,
    ) -> None:
        self.db = Path(os.path.abspath(db))  # as given: links on the way are resolved per check
        self.on_change = on_change
        self.poll = poll
        self.poll_interval = poll_interval
        self.rearmed = 0  # how many times the watches were laid again (the log says why)
        self._lock = threading.Lock()
        self._observer: BaseObserver | None = None
        self._spots: tuple[Spot, ...] = ()
        self._watches: list[ObservedWatch] = []

    def start(self) -> None:
        """Begin watching; `--poll` uses stat polling, for network shares inotify cannot see.
        Raises OSError when the platform refuses a watch (e.g. the inotify limit)."""
        observer: BaseObserver = (
            PollingObserver(timeout=self.poll_interval) if self.poll else Observer()
        )
        observer.daemon = True
        observer.start()
        self._observer = observer
        with self._lock:
            self._arm(plan(self.db))

    @property
    def attached(self) -> bool:
        """Every folder the path needs is watched, and each watch is alive."""
        with self._lock:
            return self._attached()

    def _attached(self) -> bool:
        observer = self._observer
        if observer is None or not observer.is_alive() or not self._spots:
            return False
        if any(spot.identity is None for spot in self._spots):
            return False
        alive = {e.watch for e in observer.emitters if e.is_alive()}
        return len(self._watches) == len(self._spots) and all(w in alive for w in self._watches)

    def ensure(self, reason: str = "") -> bool:
        """Resolve the path again and lay the watches again if the folders moved, vanished,
        came back or their watch died (or `reason` says a change went unannounced). Called on
        every safety check, off the UI thread. True when the watches were laid again."""
        if self._observer is None:
            return False
        now = plan(self.db)
        with self._lock:
            settled = self._attached() or any(s.identity is None for s in now)
            if not reason and now == self._spots and settled:
                return False  # all well, or a folder is missing: nothing to watch yet
            why = reason or ("moved" if now != self._spots else "watch lost")
            self._arm(now)
            self.rearmed += 1
            attached = self._attached()
        log.warning("watch re-armed (%s): %s attached=%s", why, self.db, attached)
        return True

    def _arm(self, spots: tuple[Spot, ...]) -> None:
        observer = self._observer
        assert observer is not None
        for watch in self._watches:
            # Its emitter may have ended already, with the folder it watched.
            with contextlib.suppress(KeyError, OSError):
                observer.unschedule(watch)
        self._watches = []
        self._spots = spots
        for spot in spots:
            if spot.identity is None:
                continue  # not there now: the next check looks again
            handler = DatabaseEventFilter(spot.names, self.on_change)
            try:
                self._watches.append(observer.schedule(handler, spot.folder, recursive=False))
            except OSError as exc:
                log.warning("cannot watch %s: %s", spot.folder, exc)

    def stop(self) -> None:
        """Stop the observer thread and wait for it (bounded), so no thread outlives the app."""
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=2.0)
