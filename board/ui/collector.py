"""When Python's full garbage collections run: in a pause, not in the middle of a keystroke.

A full collection walks every object that is not frozen: Textual's widgets and caches, the
strips of the last frames (90 ms at 300 projects). Left to its thresholds it lands wherever an
allocation tips it over, inside a refresh or a keystroke as often as not. So the automatic full
pass is switched off and run here, a second after the board goes quiet (at least every 15 s
under a steady stream of activity), and what survives it is frozen, so the next one only walks
what was made since. Young generations are still collected automatically: small and quick.
Loads run with the collector paused, and a board built from scratch is frozen at once
(`paused_for_load`).
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

QUIET_SECONDS = 1.0
LONGEST_SECONDS = 15.0
# Objects frozen while alive and dead since (a strip that caches itself, a finished worker:
# reference cycles) are freed only by a pass over the frozen ones too. Every ten minutes let
# 10 writes/s grow the board by 12 MB in ten minutes; every minute keeps it under 2 MB, for
# one pass a minute over everything (25 ms for a board of 10,000 projects).
THOROUGH_SECONDS = 60.0
NEVER = 1_000_000  # gen1 collections before an automatic full one: never, in practice
log = logging.getLogger("board.collector")


# Glibc gives each thread that allocates its own malloc arena (up to 8 per core); the board's
# reads run on short-lived worker threads, and what one arena frees the others do not reuse, so
# resident memory climbed in steps of a few MB for many minutes. Two arenas are plenty here.
ARENAS = 2
M_ARENA_MAX = -8  # glibc's mallopt parameter number


def limit_malloc_arenas() -> bool:
    """Cap glibc's malloc arenas (Linux with glibc only; elsewhere nothing happens)."""
    if sys.platform != "linux":
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, ARENAS))
    except (OSError, AttributeError):  # musl and others: no mallopt, or not this one
        return False


@contextmanager
def paused_for_load(*, first: bool) -> Iterator[Callable[[], None]]:
    """Run a load with the collector paused; the caller calls what this yields to freeze a
    board built from scratch for good.

    A board at 10,000 projects is a million objects that live until the next full load. Built
    with the collector on, every collection along the way walks all of them (a quarter of a
    second of a cold start), and each full pass afterwards walks them again. Frozen, they are
    freed by reference counting when the board is replaced (snapshots hold no cycles). Before
    the first load, start-up garbage is collected while the heap is small, so none is frozen.
    """
    if first:
        gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield gc.freeze
    finally:
        if was_enabled:
            gc.enable()


class IdleCollector:
    """Defers full collections to the first quiet second after activity."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._thresholds: tuple[int, int, int] | None = None
        self._pending: Timer | None = None
        self._last = time.monotonic()
        self._thorough = time.monotonic()

    def start(self) -> None:
        self._thresholds = gc.get_threshold()
        young, middle, _full = self._thresholds
        gc.set_threshold(young, middle, NEVER)

    def stop(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def activity(self) -> None:
        """Something was drawn: collect once things have been quiet for a moment."""
        if self._thresholds is None:
            return
        if time.monotonic() - self._last > LONGEST_SECONDS:
            self.collect()
            return
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.app.set_timer(QUIET_SECONDS, self.collect, name="collect")

    def collect(self) -> None:
        """A full collection, then what survived is frozen: the next one walks only what was
        made since (a full pass over Textual's caches took 90 ms at 300 projects). Every
        minute the frozen objects are collected too, so cycles that died while frozen (a strip
        of an earlier frame, a finished worker, a closed screen) are reclaimed."""
        self._pending = None
        now = time.monotonic()
        if now - self._thorough > THOROUGH_SECONDS:
            gc.unfreeze()
            self._thorough = now
        found = gc.collect()
        gc.freeze()
        self._last = time.monotonic()
        log.info("collected found=%d ms=%.1f", found, (self._last - now) * 1000)
