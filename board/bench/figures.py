"""The bench's figures: what each one is, its targets (issue 5), and the arithmetic that turns the
child's events and the writers' commit times into numbers and verdicts. No processes, no I/O
beyond reading the app's own log."""

from __future__ import annotations

import re
import statistics
from collections.abc import Collection
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from board.bench.protocol import Event

ZONE_MAX = 1000  # up to this many projects the zone targets apply; above, the city ones


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
    Figure("key_sprint_ms", "ms", None, None),
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


def verdicts(
    size: int,
    measured: dict[str, float | None],
    not_measured_here: Collection[str] = (),
    figures: tuple[Figure, ...] = FIGURES,
    unjudged: Collection[str] = (),
) -> dict[str, dict[str, Any]]:
    """Every figure with its target and pass (True/False), or pass None when it has no target.

    A figure that is missing fails its target (a write or key that never showed must not look
    good), except those in `not_measured_here`: this platform cannot measure them (no /proc), so
    they are reported without a verdict and do not decide the overall result. Figures in
    `unjudged` are reported with their target but no verdict (a run too short for it).
    """
    out: dict[str, dict[str, Any]] = {}
    for fig in figures:
        value = measured.get(fig.key)
        target = fig.target(size)
        passed: bool | None = None
        if fig.key in unjudged:
            pass
        elif target is not None and not (value is None and fig.key in not_measured_here):
            passed = value is not None and value <= target
        out[fig.key] = {
            "measured": None if value is None else round(value, 3),
            "target": target,
            "unit": fig.unit,
            "pass": passed,
        }
    return out


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
