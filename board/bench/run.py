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
* **--poll**: the same spaced single writes against a DELETE-journal copy of the file, with the
  board in `--poll` mode (watchdog's PollingObserver), reported beside the watchdog figures.

How: the parent builds synthetic databases in a temporary directory (`build_demo` with
`extra_projects`, then plain SQL to spread the synthetic rows over 40 departments), starts the
REAL app headless in a child process (`python -m board.bench.probe ...`: `BoardApp(...).run(
headless=True, size=(160, 48), auto_pilot=...)`), and reads the child's events (JSON lines) from
a pipe. The child is instrumented only through `BoardApp.on_applied` and
`App.call_after_refresh` ("refreshed" = the compositor has rendered the update, which in a real
terminal is then written out). All timestamps are `time.monotonic()`, which on Linux is one
system-wide clock, so the parent, the writer and the child compare them directly.

Looking closer: `--keep DIR` leaves the databases, the app's own log (`*.board.log`: read,
build and apply times of every refresh), the child's raw events (`*.events.jsonl`) and the
writers' commit times (`writes.json`) in DIR; with `BOARD_BENCH_PYSPY=DIR` each child runs under
`py-spy record` (collapsed stacks in DIR; the figures of such a run are slower, so do not report
them). docs/performance.md has the figures, the profiles and what to do about them.

Nothing here asserts a duration: the command reports; `tests/test_bench.py` checks only that
every figure and a verdict per target come out.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from board.errors import BoardError
from board.i18n import t

SCREEN_SIZE = (160, 48)
DEPARTMENTS = 40
BURST_WRITES = 100
BURST_SECONDS = 1.0
SPACING = (0.100, 0.200)  # seconds between the spaced single writes
# Cold start is the median of this many starts: one start on a shared machine is one sample of
# its noise (the same build measured 1.5 and 1.8 s at 10,000 projects, minutes apart).
COLD_STARTS = 3
MARKER = re.compile(r"^«(\d+)» ")
ZONE_MAX = 1000  # up to this many projects the zone targets apply; above, the city ones
Event = dict[str, Any]


# Targets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One line of the table: what is measured, its unit, and its target (None: reported only)."""

    key: str
    unit: str  # ms, s, %, MB
    zone: float | None
    city: float | None

    def target(self, size: int) -> float | None:
        return self.zone if size <= ZONE_MAX else self.city


FIGURES: tuple[Figure, ...] = (
    Figure("write_p50_ms", "ms", 30, 80),
    Figure("write_p95_ms", "ms", 50, 150),
    Figure("burst_settle_ms", "ms", 300, 500),
    Figure("cold_start_s", "s", 1.0, 1.5),
    Figure("key_move_ms", "ms", 50, 100),
    Figure("key_filter_ms", "ms", 50, 100),
    Figure("key_detail_ms", "ms", 50, 100),
    Figure("key_back_ms", "ms", None, None),
    Figure("idle_cpu_pct", "%", 1.0, 1.0),
    Figure("peak_rss_mb", "MB", 120, 250),
    Figure("poll_write_p50_ms", "ms", None, None),
    Figure("poll_write_p95_ms", "ms", None, None),
)


def percentile(values: list[float], pct: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def verdicts(size: int, measured: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    """Every figure with its target and pass (True/False), or pass None when it has no target."""
    out: dict[str, dict[str, Any]] = {}
    for fig in FIGURES:
        value = measured.get(fig.key)
        target = fig.target(size)
        passed: bool | None = None
        if target is not None:
            passed = value is not None and value <= target
        out[fig.key] = {
            "measured": None if value is None else round(value, 3),
            "target": target,
            "unit": fig.unit,
            "pass": passed,
        }
    return out


# Databases -----------------------------------------------------------------------------------


def build_bench_db(
    path: Path, size: int, today: date, departments: int = DEPARTMENTS
) -> dict[str, int]:
    """A synthetic zone of `size` projects (~5 pledges each) over `departments` departments."""
    from board.store.demo import build_demo, default_source, load_source

    path.parent.mkdir(parents=True, exist_ok=True)
    demo_projects = len(load_source(default_source()).get("projects", []))
    build_demo(path, today, extra_projects=max(0, size - demo_projects))
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        have = con.execute("SELECT count(*) FROM departments").fetchone()[0]
        for i in range(have + 1, departments + 1):
            con.execute(
                "INSERT INTO departments (name, short_name, kind, sort_order) "
                "VALUES (?, ?, 'bureau', ?)",
                (f"第{i:02d}联络单位", f"联络{i:02d}", i * 10),
            )
        ids = [row[0] for row in con.execute("SELECT id FROM departments ORDER BY id")]
        rng = random.Random(size)
        synthetic = "SELECT id FROM projects WHERE code LIKE 'SYN-%'"
        con.executemany(
            "UPDATE projects SET lead_department_id = ? WHERE id = ?",
            [(rng.choice(ids), pid) for (pid,) in con.execute(synthetic).fetchall()],
        )
        for table in ("pledges", "blockers"):
            rows = con.execute(
                f"SELECT id FROM {table} WHERE project_id IN ({synthetic})"
            ).fetchall()
            con.executemany(
                f"UPDATE {table} SET department_id = ? WHERE id = ?",
                [(rng.choice(ids), rid) for (rid,) in rows],
            )
        # Like the demo: the zone's history starts now.
        con.execute("DELETE FROM change_log")
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("projects", "departments", "pledges", "blockers")
        }
    finally:
        con.close()
    return counts


def delete_journal_copy(source: Path, target: Path) -> None:
    """A copy of `source` in journal_mode=DELETE, as a network share needs for `--poll`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


# The writer: plain sqlite3 in its own process -------------------------------------------------

WRITER = r"""
import json, random, sqlite3, sys, time
db, project_id, base, first, count, lo, hi = sys.argv[1:8]
project_id, first, count, lo, hi = int(project_id), int(first), int(count), float(lo), float(hi)
con = sqlite3.connect(db, timeout=30, isolation_level=None)
rng = random.Random(first)
done = []
due = time.monotonic()
for seq in range(first, first + count):
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE projects SET name = ? WHERE id = ?", (f"«{seq:06d}» {base}", project_id))
    con.execute("COMMIT")
    done.append([seq, time.monotonic()])
    due += rng.uniform(lo, hi)
con.close()
print(json.dumps(done))
"""


def run_writer(
    db: Path, project_id: int, base: str, first: int, count: int, spacing: tuple[float, float]
) -> list[tuple[int, float]]:
    """Run `count` writes from a separate plain-sqlite3 process; (seq, commit time) for each."""
    args = [str(db), str(project_id), base, str(first), str(count), *map(str, spacing)]
    done = subprocess.run(
        [sys.executable, "-c", WRITER, *args],
        capture_output=True,
        text=True,
        timeout=120 + count,
        check=False,
    )
    if done.returncode != 0:
        raise BoardError(t("bench.err.writer", detail=done.stderr.strip()[-400:]), kind="internal")
    return [(int(seq), float(at)) for seq, at in json.loads(done.stdout)]


# The child: the real app, headless, instrumented through on_applied -------------------------


@dataclass
class Child:
    """The board in its own process, with the events it has reported so far."""

    proc: subprocess.Popen[bytes]
    spawned: float
    commands: Any
    log: Path
    events: list[Event]
    cond: threading.Condition

    @classmethod
    def start(cls, db: Path, today: date, *, poll: bool, key_rounds: int, log: Path) -> Child:
        events_r, events_w = os.pipe()
        commands_r, commands_w = os.pipe()
        env = dict(os.environ)
        env["BOARD_KEYMAP"] = "/nonexistent/board-bench-keymap.toml"  # stock bindings
        argv = [
            sys.executable,
            "-m",
            "board.bench.probe",
            str(db),
            today.isoformat(),
            str(events_w),
            str(commands_r),
            "1" if poll else "0",
            str(key_rounds),
            str(log.with_suffix(".board.log")),
        ]
        profile = os.environ.get("BOARD_BENCH_PYSPY")  # a folder: profile the child (slower)
        beside = str(Path(sys.executable).parent)
        spy = shutil.which("py-spy") or shutil.which("py-spy", path=beside)
        if profile and spy:
            flame = Path(profile) / f"{log.parent.name}-{log.stem}.txt"
            argv = [spy, "record", "--threads", "-r", "200", "-f", "raw", "-o", str(flame),
                    "--", *argv]  # fmt: skip
        with log.open("wb") as out:
            spawned = time.monotonic()
            proc = subprocess.Popen(
                argv,
                pass_fds=(events_w, commands_r),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        os.close(events_w)
        os.close(commands_r)
        child = cls(
            proc=proc,
            spawned=spawned,
            commands=os.fdopen(commands_w, "w", buffering=1),
            log=log,
            events=[],
            cond=threading.Condition(),
        )
        threading.Thread(target=child._read, args=(events_r,), daemon=True).start()
        return child

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "r", encoding="utf-8") as stream:
            for line in stream:
                with suppress(ValueError), self.cond:
                    self.events.append(json.loads(line))
                    self.cond.notify_all()
        with self.cond:
            self.events.append({"ev": "eof"})
            self.cond.notify_all()

    def wait(self, what: str, pred: Callable[[Event], bool], timeout: float) -> Event:
        """The first event matching `pred`; a clear error if the child died or took too long."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self.cond:
            while True:
                for event in self.events[seen:]:
                    if pred(event):
                        return event
                    if event.get("ev") == "eof":
                        raise BoardError(
                            t("bench.err.child", what=what, log=self.log, tail=self.tail()),
                            kind="internal",
                        )
                seen = len(self.events)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BoardError(
                        t("bench.err.timeout", what=what, seconds=round(timeout), log=self.log),
                        kind="internal",
                    )
                self.cond.wait(min(left, 1.0))

    def applied(self) -> list[Event]:
        with self.cond:
            return [e for e in self.events if e.get("ev") == "applied"]

    def send(self, command: str) -> None:
        self.commands.write(command + "\n")
        self.commands.flush()

    def tail(self) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return " ".join(text.strip().splitlines()[-3:])[-400:]

    def cpu_seconds(self) -> float:
        """User + system time of the child so far (all its threads)."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self, field: str) -> float | None:
        """VmHWM (peak) or VmRSS (now) of the child, in MB."""
        with suppress(OSError):
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return None

    def stop(self) -> None:
        with suppress(OSError, ValueError):
            self.send("quit")
            self.commands.close()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        with suppress(OSError), self.cond:  # the raw events, beside the logs (see --keep)
            lines = [json.dumps(e, ensure_ascii=False) for e in self.events]
            self.log.with_suffix(".events.jsonl").write_text("\n".join(lines) + "\n")


@contextmanager
def running(db: Path, today: date, *, poll: bool, key_rounds: int, log: Path) -> Iterator[Child]:
    child = Child.start(db, today, poll=poll, key_rounds=key_rounds, log=log)
    try:
        yield child
    finally:
        child.stop()


def start_times(child: Child, slow: float) -> dict[str, float]:
    """Seconds from spawning `child` to its interpreter, its imports and its first full screen."""
    first = child.wait(t("bench.what.first"), lambda e: e.get("ev") == "first_screen", 60 * slow)
    started = child.wait("", lambda e: e.get("ev") == "process", 1)
    imported = child.wait("", lambda e: e.get("ev") == "imported", 1)
    return {
        "interpreter_s": started["t"] - child.spawned,
        "imports_s": imported["t"] - started["t"],
        "first_screen_s": first["t"] - child.spawned,
    }


def latencies(writes: list[tuple[int, float]], applied: list[Event]) -> list[float | None]:
    """For each write, ms from its commit to the first refresh showing it (or a later marker)."""
    shown = sorted(
        ((e["t_painted"], e["seq"]) for e in applied if e.get("seq") is not None),
        key=lambda pair: pair[0],
    )
    out: list[float | None] = []
    for seq, committed in writes:
        at = next((when for when, s in shown if s >= seq), None)
        out.append(None if at is None else (at - committed) * 1000)
    return out


def wait_for_marker(child: Child, seq: int, timeout: float) -> Event:
    return child.wait(
        t("bench.what.marker", seq=seq),
        lambda e: e.get("ev") == "applied" and (e.get("seq") or 0) >= seq,
        timeout,
    )


def stage_times(board_log: Path) -> dict[str, float | None]:
    """Medians of the app's own log lines (read, build, apply), when its log says them."""
    reads: dict[str, list[float]] = {"read_ms": [], "build_ms": [], "apply_ms": []}
    with suppress(OSError):
        for line in board_log.read_text(encoding="utf-8", errors="replace").splitlines():
            for key, values in reads.items():
                found = re.search(rf"\b{key}=([0-9.]+)", line)
                if found:
                    values.append(float(found.group(1)))
    return {key: (round(statistics.median(v), 1) if v else None) for key, v in reads.items()} | {
        "refreshes_logged": float(len(reads["apply_ms"]))
    }


# One size ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    writes: int
    idle_seconds: float
    key_rounds: int
    today: date
    workdir: Path


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
    details: dict[str, Any] = {"database": counts, "loadavg_at_start": round(os.getloadavg()[0], 2)}

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
        for kind in ("move", "filter", "detail", "back"):
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
        measured["idle_cpu_pct"] = (cpu_after - cpu_before) / (wall_after - wall_before) * 100
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
    return {"size": size, "figures": verdicts(size, measured), "details": details}


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def key_summary(got: list[float | None]) -> dict[str, Any]:
    seen = [v for v in got if v is not None]
    return {
        "n": len(got),
        "missed": len(got) - len(seen),
        "p50_ms": rounded(percentile(seen, 50)),
        "p95_ms": rounded(percentile(seen, 95)),
        "max_ms": rounded(max(seen, default=None)),
    }


def summary(lat: list[float | None]) -> dict[str, Any]:
    seen = [v for v in lat if v is not None]
    return {
        "n": len(lat),
        "missed": len(lat) - len(seen),
        "min_ms": round(min(seen), 1) if seen else None,
        "max_ms": round(max(seen), 1) if seen else None,
        "mean_ms": round(statistics.fmean(seen), 1) if seen else None,
    }


def highlight_seconds() -> float:
    try:
        from board.ui.refresh import HIGHLIGHT_SECONDS
    except ImportError:
        return 3.0
    return float(HIGHLIGHT_SECONDS)


def environment() -> dict[str, Any]:
    """Where the figures come from: machine, versions, and the code's git state."""
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "screen": list(SCREEN_SIZE),
        # Other work on the machine skews every figure: the load when the run ended.
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    with suppress(ImportError):
        import textual

        info["textual"] = textual.__version__
    root = Path(__file__).resolve().parent.parent
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
    verdict = [
        fig["pass"] for r in results for fig in r["figures"].values() if fig["pass"] is not None
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
            "today": settings.today.isoformat(),
            "departments": DEPARTMENTS,
        },
        "sizes": results,
        "pass": all(verdict),
    }
