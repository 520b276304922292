"""When Python's full garbage collections run: in a pause, not in the middle of a keystroke.

A full collection walks every object that is not frozen (the board's rows are, see
`refresh.long_lived_rows`): Textual's widgets, caches and the strips of the last frames, 10-20
ms on this machine. Left to its thresholds it lands wherever an allocation tips it over, which
is inside a refresh or a keystroke as often as not. So the automatic full pass is switched off
and run here instead, shortly after the board goes quiet (and at least once a minute under a
steady stream of activity, so cyclic garbage never piles up). Young generations are still
collected automatically: they are small and quick.
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

QUIET_SECONDS = 1.0
LONGEST_SECONDS = 60.0
NEVER = 1_000_000  # gen1 collections before an automatic full one: never, in practice


class IdleCollector:
    """Defers full collections to the first quiet second after activity."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._thresholds: tuple[int, int, int] | None = None
        self._pending: Timer | None = None
        self._last = time.monotonic()

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
        self._pending = None
        gc.collect()
        self._last = time.monotonic()
