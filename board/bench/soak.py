"""The bench's soak: does the board's memory stay flat through a day of writes?

A zone with a long history (`HISTORY` changes logged since the meeting, so the since-report and
the change log are at their largest) gets a steady stream of outside writes, `RATE` a second,
from a plain-sqlite3 process, while the parent samples the child's resident memory (VmRSS)
every `SAMPLE_SECONDS`. The first minute is warm-up (caches, the first full collections); what
counts is the growth after it, until the writes stop, and then whether memory still moves once
everything is quiet. Figures: the RSS at start, after the first minute and at the end; the
growth after the first minute (target: at most 10 MB over 10 minutes); the growth per 1,000
writes; and the growth over a quiet window after the last write (target: none beyond noise).

Where /proc is missing (macOS, Windows) memory cannot be read here and the soak reports "—".
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from board.bench import host
from board.bench.child import highlight_seconds, run_writer, running, wait_for_marker
from board.bench.figures import Figure, verdicts
from board.bench.zones import build_bench_db
from board.i18n import t

HISTORY = 20_000  # changes logged since the meeting before the soak starts
RATE = 10  # outside writes per second
WARM_SECONDS = 60.0  # the first minute: not counted
SAMPLE_SECONDS = 30.0
QUIET_SECONDS = 30.0  # the window after the last write (its highlights faded first)
# The target is stated for ten minutes of writes; a shorter soak is reported without a verdict.
TARGET_MINUTES = 10.0

SOAK_FIGURES: tuple[Figure, ...] = (
    Figure("soak_rss_start_mb", "MB", None, None),
    Figure("soak_rss_warm_mb", "MB", None, None),
    Figure("soak_rss_end_mb", "MB", None, None),
    Figure("soak_growth_mb", "MB", 10, 10),
    Figure("soak_growth_per_1000_mb", "MB", None, None),
    Figure("soak_quiet_growth_mb", "MB", 1, 1),
)


def add_history(db: Path, changes: int) -> None:
    """`changes` rows in change_log since the meeting, written as any writer would (triggers)."""
    con = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        ids = [row[0] for row in con.execute("SELECT id FROM projects ORDER BY id")]
        con.execute("BEGIN IMMEDIATE")
        for i in range(changes):
            con.execute(
                "UPDATE projects SET progress = ? WHERE id = ?", (i % 90, ids[i % len(ids)])
            )
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def run_soak(
    size: int, minutes: float, workdir: Path, today: Any, say: Callable[[str], None]
) -> dict[str, Any]:
    """The soak at `size` projects: `minutes` of writes after the warm-up minute."""
    here = workdir / "soak"
    db = here / "board.db"
    say(t("bench.step.soak_build", size=size, changes=HISTORY))
    build_bench_db(db, size, today)
    add_history(db, HISTORY)
    warm_seconds = min(WARM_SECONDS, minutes * 60)  # a short trial run warms up less
    writes = int((warm_seconds + minutes * 60) * RATE)
    samples: list[tuple[float, float | None]] = []
    measured: dict[str, float | None] = {}
    with running(db, today, poll=False, key_rounds=0, log=here / "child.log") as child:
        ready = child.wait(t("bench.what.ready"), lambda e: e.get("ev") == "ready", 120)
        measured["soak_rss_start_mb"] = child.memory_mb("VmRSS")
        say(t("bench.step.soak", writes=writes, rate=RATE, minutes=round(minutes + 1, 1)))
        failed: list[BaseException] = []
        gap = 1 / RATE

        def write() -> None:
            try:
                run_writer(db, int(ready["marker_id"]), str(ready["base"]), 1, writes, (gap, gap))
            except BaseException as exc:  # handed to the parent thread, raised there
                failed.append(exc)

        writer = threading.Thread(target=write, daemon=True)
        began = time.monotonic()
        writer.start()
        sample_every = min(SAMPLE_SECONDS, max(1.0, warm_seconds / 2))
        while writer.is_alive():
            writer.join(sample_every)
            samples.append((round(time.monotonic() - began, 1), child.memory_mb("VmRSS")))
        if failed:
            raise failed[0]
        wait_for_marker(child, writes, 120)
        ended = time.monotonic()
        measured["soak_rss_end_mb"] = child.memory_mb("VmRSS")
        time.sleep(highlight_seconds() + 2)
        quiet_from = child.memory_mb("VmRSS")
        time.sleep(min(QUIET_SECONDS, max(2.0, minutes * 60)))
        quiet_to = child.memory_mb("VmRSS")
        refreshes = len(child.applied())
    warm = next((rss for at, rss in samples if at >= warm_seconds), None)
    measured["soak_rss_warm_mb"] = warm
    end = measured["soak_rss_end_mb"]
    counted = max(1, writes - int(warm_seconds * RATE))
    if warm is not None and end is not None:
        measured["soak_growth_mb"] = end - warm
        measured["soak_growth_per_1000_mb"] = (end - warm) / counted * 1000
    if quiet_from is not None and quiet_to is not None:
        measured["soak_quiet_growth_mb"] = quiet_to - quiet_from
    here_not = () if host.reads_processes() else tuple(fig.key for fig in SOAK_FIGURES)
    short = () if minutes >= TARGET_MINUTES else ("soak_growth_mb",)
    figures = verdicts(size, measured, here_not, SOAK_FIGURES, short)
    return {
        "size": size,
        "minutes": minutes,
        "figures": figures,
        "details": {
            "history": HISTORY,
            "writes": writes,
            "warm_seconds": warm_seconds,
            "rate_per_s": RATE,
            "seconds": round(ended - began, 1),
            "refreshes": refreshes,
            "rss_samples": samples,
            "measured_here": host.reads_processes(),
        },
    }
