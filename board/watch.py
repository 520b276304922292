"""Watch the database's directory and say "maybe changed" when its own files are written.

The directory is watched, not the file: in WAL mode a commit touches only `<db>-wal`, and a sync
tool that replaces the file does it by a rename onto `<db>`. Only modify/create/delete/move
events of `<db>`, `<db>-wal` and `<db>-journal` count: never `-shm` (readers write it, so a
reload that reacted to it would feed itself) and never open/close/attribute events (our own
reads cause those). The callback runs on watchdog's thread and must only post a message.

Every platform: `watchdog.observers.Observer` is watchdog's own pick of the native observer
(watchdog 7: inotify on Linux, FSEvents on macOS with kqueue as its fallback, ReadDirectoryChangesW
on Windows, kqueue on BSD, polling anywhere else), so nothing here looks at the platform. `--poll`
forces the PollingObserver, for network shares that no native observer sees. A native observer
that batches events (FSEvents) or reports a write to a still-open file late (Windows) costs only
latency: the app's safety poll reads the file anyway.
"""

from __future__ import annotations

import os
from collections.abc import Callable
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
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

RELEVANT_EVENTS = frozenset(
    {EVENT_TYPE_MODIFIED, EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED}
)


def watched_names(db: Path) -> frozenset[str]:
    """The file names whose changes mean the data may have changed."""
    name = db.name
    return frozenset({name, f"{name}-wal", f"{name}-journal"})


class DatabaseEventFilter(FileSystemEventHandler):
    """Passes on only the events that can mean new data in `db`."""

    def __init__(self, db: Path, on_change: Callable[[], None]) -> None:
        self.names = watched_names(db)
        self.on_change = on_change

    def is_relevant(self, event: FileSystemEvent) -> bool:
        if event.is_directory or event.event_type not in RELEVANT_EVENTS:
            return False
        paths = [event.src_path, getattr(event, "dest_path", "")]
        return any(p and os.path.basename(os.fsdecode(p)) in self.names for p in paths)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if self.is_relevant(event):
            self.on_change()


# --poll: how often the folder is listed and its files stat()ed. A folder of its own holds three
# files, so half a second costs nothing measurable, and a write shows ~0.25 s sooner on average
# than with watchdog's default of one second.
POLL_SECONDS = 0.5


class DatabaseWatcher:
    """Starts and stops a watchdog observer on the database's directory."""

    def __init__(
        self,
        db: Path,
        on_change: Callable[[], None],
        *,
        poll: bool = False,
        poll_interval: float = POLL_SECONDS,
    ) -> None:
        self.db = db.resolve()
        self.handler = DatabaseEventFilter(self.db, on_change)
        self.poll = poll
        self.poll_interval = poll_interval
        self._observer: BaseObserver | None = None

    def start(self) -> None:
        """Begin watching; `--poll` uses stat polling, for network shares inotify cannot see."""
        observer: BaseObserver = (
            PollingObserver(timeout=self.poll_interval) if self.poll else Observer()
        )
        observer.schedule(self.handler, str(self.db.parent), recursive=False)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def stop(self) -> None:
        """Stop the observer thread and wait for it (bounded), so no thread outlives the app."""
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=2.0)
