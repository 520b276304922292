"""`board bench --postgres URL`: the PostgreSQL figures, measured as SQLite's are.

Per size: the same synthetic zone as the SQLite bench (`board.bench.zones`), copied into a
fresh database on the server (`board_bench_<size>_<random>`, created through the URL's own
database and dropped afterwards) with `board copy`'s code; the real board headless in a child
process on that database (board.bench.probe), started three times for the cold start (spawn →
first full screen, median); then a writer in its own process with plain psycopg (no board code,
as psql would: one UPDATE, one COMMIT) renames the marker project every 100–200 ms, and each
write's latency is commit → the first screen refresh showing it (LISTEN/NOTIFY, then the
incremental read from change_log).
"""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from board.bench.child import highlight_seconds, run_script, running, start_times
from board.bench.figures import latencies, percentile, rounded, summary
from board.bench.zones import build_bench_db
from board.i18n import t
from board.store.location import ServerDb

COLD_STARTS = 3
SPACING = (0.100, 0.200)
# (write → screen p50 ms, cold start s) targets, zone and city sizes (docs/performance.md).
TARGETS = {
    "write_p50_ms": (50.0, 100.0),
    "cold_start_s": (1.0, 2.0),
    "idle_cpu_pct": (1.0, 1.0),
}
IDLE_SECONDS = 20.0  # the idle window after the writes (the listener thread waits on its socket)
ZONE_MAX = 1000

WRITER = r"""
import json, random, sys, time
import psycopg
conninfo, project_id, base, first, count, lo, hi = sys.argv[1:8]
project_id, first, count, lo, hi = int(project_id), int(first), int(count), float(lo), float(hi)
con = psycopg.connect(conninfo)
rng = random.Random(first)
done = []
due = time.monotonic()
for seq in range(first, first + count):
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    con.execute("UPDATE projects SET name = %s WHERE id = %s", (f"«{seq:06d}» {base}", project_id))
    con.commit()
    done.append([seq, time.monotonic()])
    due += rng.uniform(lo, hi)
con.close()
print(json.dumps(done))
"""


def admin(server: ServerDb, sql: str) -> None:
    import psycopg

    with psycopg.connect(server.conninfo, autocommit=True) as conn:
        conn.execute(sql)


def run_writer(db: ServerDb, project_id: int, base: str, count: int) -> list[tuple[int, float]]:
    args = [db.conninfo, str(project_id), base, "1", str(count), *map(str, SPACING)]
    return run_script(WRITER, args, count)


def target(name: str, size: int) -> float:
    zone, city = TARGETS[name]
    return zone if size <= ZONE_MAX else city


def run_pg_size(
    server: ServerDb,
    size: int,
    writes: int,
    today: date,
    workdir: Path,
    say: Callable[[str], None],
    idle_seconds: float = IDLE_SECONDS,
) -> dict[str, Any]:
    from board.store.copy import copy_database

    here = workdir / f"pg-{size}"
    file = here / "board.db"
    say(t("bench.step.build", size=size))
    counts = build_bench_db(file, size, today)
    name = f"board_bench_{size}_{secrets.token_hex(4)}"
    admin(server, f'CREATE DATABASE "{name}"')
    target_db = server.with_database(name)
    slow = 1 + size / 1000
    try:
        say(t("bench.pg.copy", name=name))
        copy_database(file, target_db)
        say(t("bench.step.start", size=size, runs=COLD_STARTS))
        starts = []
        for run in range(COLD_STARTS - 1):
            with running(target_db, today, poll=False, key_rounds=0, log=here / f"s{run}.log") as c:
                starts.append(start_times(c, slow))
        with running(target_db, today, poll=False, key_rounds=0, log=here / "child.log") as child:
            starts.append(start_times(child, slow))
            ready = child.wait(t("bench.what.ready"), lambda e: e.get("ev") == "ready", 60 * slow)
            say(t("bench.step.writes", n=writes))
            spaced = run_writer(target_db, int(ready["marker_id"]), str(ready["base"]), writes)
            child.wait(
                t("bench.what.marker", seq=writes),
                lambda e: e.get("ev") == "applied" and (e.get("seq") or 0) >= writes,
                10 * slow,
            )
            lat = latencies(spaced, child.applied())
            time.sleep(highlight_seconds() + 1.5)
            say(t("bench.step.idle", seconds=round(idle_seconds)))
            cpu_before, wall_before = child.cpu_seconds(), time.monotonic()
            time.sleep(idle_seconds)
            cpu_after, wall_after = child.cpu_seconds(), time.monotonic()
            idle = (
                None
                if cpu_before is None or cpu_after is None
                else (cpu_after - cpu_before) / (wall_after - wall_before) * 100
            )
    finally:
        admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    seen = [v for v in lat if v is not None]
    figures = {
        "write_p50_ms": rounded(percentile(seen, 50)) if len(seen) == len(lat) else None,
        "write_p95_ms": rounded(percentile(seen, 95)) if len(seen) == len(lat) else None,
        "cold_start_s": round(statistics.median(s["first_screen_s"] for s in starts), 3),
        "idle_cpu_pct": None if idle is None else round(idle, 3),
    }
    verdicts: dict[str, bool | None] = {
        key: (figures[key] is not None and float(figures[key] or 0) <= target(key, size))
        for key in TARGETS
    }
    if idle is None:  # no /proc here (macOS, Windows): not measured, no verdict
        verdicts["idle_cpu_pct"] = None
    return {
        "size": size,
        "database": counts,
        "figures": figures,
        "targets": {key: target(key, size) for key in TARGETS},
        "passed": verdicts,
        "writes": summary(lat),
        "cold_start_runs_s": [round(s["first_screen_s"], 3) for s in starts],
    }


def run_pg_bench(
    server: ServerDb,
    sizes: tuple[int, ...],
    writes: int,
    today: date,
    workdir: Path,
    say: Callable[[str], None],
    idle_seconds: float = IDLE_SECONDS,
) -> dict[str, Any]:
    return {
        "engine": "postgresql",
        "server": str(server),
        "sizes": [
            run_pg_size(server, size, writes, today, workdir, say, idle_seconds) for size in sizes
        ],
    }
