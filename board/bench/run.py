"""`board bench`: how fast the real board is, measured from outside, as whole processes.

What it measures, per size (number of projects), against the targets of issue 5:

* **outside write → visible on screen** (p50 / p95): a separate process with plain `sqlite3`
  (no board code) renames one project `«000123» 原名` once every 100–200 ms and records the
  `time.monotonic()` right after each COMMIT. The board (below) reports, for every board it
  applies, the marker it holds and the moment the screen was refreshed after it. A write is
  visible at the first refresh whose board holds its marker or a later one.
* **burst → settled**: 100 such writes within one second; the time from the last commit until the
  screen was refreshed with the last marker.
* **cold start → first full screen**: from just before the parent spawns the child process until
  the first board has been applied to the overview's widgets and the screen refreshed after it;
  the median of three starts (each run's figure is in the JSON details).
* **key press → screen updated**: the child sends key events through the app's driver, exactly
  as a terminal does (`j`/`k`; typing a filter and deleting it; Enter on a project, Esc back),
  waits for the effect (cursor moved, `state.text` changed, a screen pushed or popped) and then
  for the screen refresh after it.
* **idle CPU**: user + system time of the child (`/proc/PID/stat`, all its threads) over an idle
  window (`--idle-seconds`, default 60) after the highlights of the last writes have faded.
* **peak resident memory**: `VmHWM` of the child (`/proc/PID/status`) at the end of the run.
  Without /proc (macOS, Windows) these two read "—", with no verdict (see `board.bench.host`);
  every other figure is measured the same way everywhere.
* **--poll**: the same spaced single writes against a DELETE-journal copy of the file, with the
  board in `--poll` mode (watchdog's PollingObserver), reported beside the watchdog figures.

How: the parent builds synthetic databases in a temporary directory (`build_demo` with
`extra_projects`, then plain SQL to spread the synthetic rows over 40 departments), starts the
REAL app headless in a child process (`python -m board.bench.probe ...`: `BoardApp(...).run(
headless=True, size=(160, 48), auto_pilot=...)`), and reads the child's events (JSON lines) from
a pipe. The child is instrumented only through `BoardApp.on_applied` and
`App.call_after_refresh` ("refreshed" = the compositor has rendered the update, which in a real
terminal is then written out). All timestamps are `time.monotonic()`, which on Linux is one
system-wide clock, so the parent, the writer and the child compare them directly (on macOS too;
on Windows before Python 3.13 it is system-wide but ticks in ~16 ms steps, so latencies there are
coarse).

Where things are: this module runs the steps of one size and assembles the result;
`board.bench.zones` builds the databases, `board.bench.child` starts the child and the writers and
collects events, `board.bench.figures` holds the targets and turns events into figures,
`board.bench.host` reads CPU time, memory and load from the system, `board.bench.protocol` is
what parent and child share, and `board.bench.probe` is the child's side.

Looking closer: `--keep DIR` leaves the databases, the app's own log (`*.board.log`: read,
build and apply times of every refresh), the child's raw events (`*.events.jsonl`) and the
writers' commit times (`writes.json`) in DIR; with `BOARD_BENCH_PYSPY=DIR` each child runs under
`py-spy record` (collapsed stacks in DIR; the figures of such a run are slower, so do not report
them). docs/performance.md has the figures, the profiles and what to do about them.

Nothing here asserts a duration: the command reports; `tests/system/test_bench.py` checks only
that every figure and a verdict per target come out.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from board.bench import host
from board.bench.child import (
    highlight_seconds,
    run_writer,
    running,
    start_times,
    wait_for_marker,
)
from board.bench.figures import key_summary, latencies, percentile, stage_times, summary, verdicts
from board.bench.protocol import SCREEN_SIZE
from board.bench.soak import run_soak
from board.bench.zones import DEPARTMENTS, build_bench_db, delete_journal_copy
from board.errors import BoardError
from board.i18n import t

BURST_WRITES = 100
BURST_SECONDS = 1.0
SPACING = (0.100, 0.200)  # seconds between the spaced single writes
# Cold start is the median of this many starts: one start on a shared machine is one sample of
# its noise (the same build measured 1.5 and 1.8 s at 10,000 projects, minutes apart).
COLD_STARTS = 3
# Figures read from /proc: where there is none (macOS, Windows) they are not measured at all.
PROCESS_FIGURES = ("idle_cpu_pct", "peak_rss_mb")


# One size ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    writes: int
    idle_seconds: float
    key_rounds: int
    today: date
    workdir: Path
    soak_minutes: float = 0.0  # 0: no soak


def run_size(size: int, settings: Settings, say: Callable[[str], None]) -> dict[str, Any]:
    """Every figure for one size; the child processes are always ended."""
    here = settings.workdir / f"size-{size}"
    db = here / "watch" / "board.db"
    say(t("bench.step.build", size=size))
    counts = build_bench_db(db, size, settings.today)
    polled_db = here / "poll" / "board.db"
    delete_journal_copy(db, polled_db)
    slow = 1 + size / 1000  # timeouts grow with the data, never the measurement itself
    measured: dict[str, float | None] = {}
    load = host.loadavg()
    details: dict[str, Any] = {
        "database": counts,
        "loadavg_at_start": None if load is None else round(load[0], 2),
    }
    not_measured_here = () if host.reads_processes() else PROCESS_FIGURES
    if not_measured_here:
        details["not_measured_here"] = list(not_measured_here)

    say(t("bench.step.start", size=size, runs=COLD_STARTS))
    starts: list[dict[str, float]] = []
    for run in range(COLD_STARTS - 1):  # the last start is the child measured below
        with running(
            db, settings.today, poll=False, key_rounds=0, log=here / f"start-{run + 1}.log"
        ) as child:
            starts.append(start_times(child, slow))
    with running(
        db, settings.today, poll=False, key_rounds=settings.key_rounds, log=here / "child.log"
    ) as child:
        starts.append(start_times(child, slow))
        ready = child.wait(t("bench.what.ready"), lambda e: e.get("ev") == "ready", 60 * slow)
        measured["cold_start_s"] = statistics.median(s["first_screen_s"] for s in starts)
        details["cold_start"] = {
            **{k: round(statistics.median(s[k] for s in starts), 3) for k in starts[0]},
            "runs_s": [round(s["first_screen_s"], 3) for s in starts],
            "rss_after_start_mb": child.memory_mb("VmRSS"),
        }

        say(t("bench.step.keys", rounds=settings.key_rounds))
        child.send("keys")
        keys = child.wait(t("bench.what.keys"), lambda e: e.get("ev") == "keys", 600 * slow)
        samples: dict[str, list[float | None]] = keys["samples"]
        for kind in ("move", "filter", "detail", "back", "sprint"):
            got = samples.get(kind, [])
            values = [v for v in got if v is not None]
            # A key whose effect never showed is a miss: the figure fails rather than looks good.
            measured[f"key_{kind}_ms"] = percentile(values, 95) if len(values) == len(got) else None
        details["keys"] = {kind: key_summary(got) for kind, got in samples.items()}
        details["keys"]["needle"] = keys.get("needle")

        marker_id, base = int(ready["marker_id"]), str(ready["base"])
        say(t("bench.step.writes", n=settings.writes))
        spaced = run_writer(db, marker_id, base, 1, settings.writes, SPACING)
        wait_for_marker(child, spaced[-1][0], 120 * slow)
        lat = latencies(spaced, child.applied())
        seen = [v for v in lat if v is not None]
        measured["write_p50_ms"] = percentile(seen, 50)
        measured["write_p95_ms"] = percentile(seen, 95) if len(seen) == len(lat) else None
        details["writes"] = summary(lat)

        time.sleep(0.5)
        say(t("bench.step.burst", n=BURST_WRITES))
        first_seq = settings.writes + 1
        burst = run_writer(
            db, marker_id, base, first_seq, BURST_WRITES, (BURST_SECONDS / BURST_WRITES,) * 2
        )
        last_seq, last_commit = burst[-1]
        shown = wait_for_marker(child, last_seq, 120 * slow)
        measured["burst_settle_ms"] = (shown["t_painted"] - last_commit) * 1000
        commits: dict[str, list[tuple[int, float]]] = {"spaced": spaced, "burst": burst}
        details["burst"] = {
            "writes": len(burst),
            "span_ms": round((burst[-1][1] - burst[0][1]) * 1000, 1),
            "refreshes": sum(
                1 for e in child.applied() if first_seq <= (e.get("seq") or 0) <= last_seq
            ),
        }

        # Let the changed-row highlights fade (their timer redraws once), then sit idle.
        time.sleep(highlight_seconds() + 1.5)
        say(t("bench.step.idle", seconds=round(settings.idle_seconds)))
        cpu_before, wall_before = child.cpu_seconds(), time.monotonic()
        time.sleep(settings.idle_seconds)
        cpu_after, wall_after = child.cpu_seconds(), time.monotonic()
        measured["idle_cpu_pct"] = (
            None
            if cpu_before is None or cpu_after is None
            else (cpu_after - cpu_before) / (wall_after - wall_before) * 100
        )
        measured["peak_rss_mb"] = child.memory_mb("VmHWM")
        details["refreshes"] = len(child.applied())
        details["stages"] = stage_times(child.log.with_suffix(".board.log"))

    say(t("bench.step.poll", n=settings.writes))
    with running(
        polled_db, settings.today, poll=True, key_rounds=0, log=here / "child-poll.log"
    ) as child:
        ready = child.wait(t("bench.what.ready"), lambda e: e.get("ev") == "ready", 60 * slow)
        spaced = run_writer(
            polled_db, int(ready["marker_id"]), str(ready["base"]), 1, settings.writes, SPACING
        )
        wait_for_marker(child, spaced[-1][0], 120 * slow)
        lat = latencies(spaced, child.applied())
        seen = [v for v in lat if v is not None]
        measured["poll_write_p50_ms"] = percentile(seen, 50)
        measured["poll_write_p95_ms"] = percentile(seen, 95) if len(seen) == len(lat) else None
        details["poll_writes"] = summary(lat)
        commits["poll"] = spaced

    with suppress(OSError):  # the writers' commit times, beside the child's events
        (here / "writes.json").write_text(json.dumps(commits))
    return {
        "size": size,
        "figures": verdicts(size, measured, not_measured_here),
        "details": details,
    }


def environment() -> dict[str, Any]:
    """Where the figures come from: machine, versions, and the code's git state."""
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "screen": list(SCREEN_SIZE),
        # Other work on the machine skews every figure: the load when the run ended.
        "loadavg": None if (load := host.loadavg()) is None else [round(x, 2) for x in load],
    }
    with suppress(ImportError):
        import textual

        info["textual"] = textual.__version__
    root = Path(__file__).resolve().parents[2]  # the checkout: run.py is in board/bench/
    if shutil.which("git") and (root / ".git").exists():
        with suppress(OSError, subprocess.SubprocessError):
            head = subprocess.run(
                ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
            dirty = subprocess.run(
                ["git", "-C", str(root), "status", "--porcelain", "--", "board"],
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.splitlines()
            info["git"] = {"commit": head, "changed": [line[3:] for line in dirty]}
    return info


def run_bench(settings: Settings, say: Callable[[str], None]) -> dict[str, Any]:
    """The whole benchmark: one JSON-ready object."""
    results = [run_size(size, settings, say) for size in settings.sizes]
    soak = None
    if settings.soak_minutes > 0:
        soak = run_soak(
            min(settings.sizes), settings.soak_minutes, settings.workdir, settings.today, say
        )
    verdict = [
        fig["pass"]
        for r in [*results, *([soak] if soak else [])]
        for fig in r["figures"].values()
        if fig["pass"] is not None
    ]
    return {
        "bench": "board",
        "environment": environment(),
        "settings": {
            "sizes": list(settings.sizes),
            "writes": settings.writes,
            "burst_writes": BURST_WRITES,
            "burst_seconds": BURST_SECONDS,
            "idle_seconds": settings.idle_seconds,
            "key_rounds": settings.key_rounds,
            "soak_minutes": settings.soak_minutes,
            "today": settings.today.isoformat(),
            "departments": DEPARTMENTS,
        },
        "sizes": results,
        "soak": soak,
        "pass": all(verdict),
    }


def result_text(result: dict[str, Any], out: Path | None) -> str:
    """The result as JSON text, also written to `out` when given."""
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if out is not None:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise BoardError(t("bench.err.out", path=out, detail=exc.strerror)) from exc
    return text
