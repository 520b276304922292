"""`board bench --postgres URL`: the PostgreSQL figures (board/bench/pg.py), printed or as JSON.

Kept beside cli/bench.py rather than in it: the SQLite bench's tables and options are its own.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import click

from board.errors import BoardError
from board.i18n import t
from board.store.location import Where, is_server


def run_postgres_bench(
    where: Where,
    sizes: tuple[int, ...],
    writes: int,
    today: date,
    as_json: bool,
    out: Path | None,
    idle_seconds: float = 20.0,
) -> None:
    from board.bench.pg import run_pg_bench

    if not is_server(where):
        raise BoardError(t("bench.pg.not_server", value=where), kind="value")

    def say(message: str) -> None:
        click.echo(message, err=True)

    with tempfile.TemporaryDirectory(prefix="board-bench-pg-") as workdir:
        result = run_pg_bench(where, sizes, writes, today, Path(workdir), say, idle_seconds)
    from board.bench.run import result_text

    text = result_text(result, out)
    if as_json:
        click.echo(text)
        return
    for size in result["sizes"]:
        click.echo(line_of(size))


def line_of(size: dict[str, Any]) -> str:
    figures, targets, passed = size["figures"], size["targets"], size["passed"]

    def mark(key: str) -> str:
        if passed.get(key) is None:
            return t("bench.info")
        return t("bench.pass") if passed[key] else t("bench.fail")

    idle = figures.get("idle_cpu_pct")

    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f} ms"

    return t(
        "bench.pg.line",
        size=size["size"],
        p50=ms(figures["write_p50_ms"]),
        p95=ms(figures["write_p95_ms"]),
        p50_target=f"{targets['write_p50_ms']:.0f} ms",
        p50_mark=mark("write_p50_ms"),
        start=f"{figures['cold_start_s']:.2f} s",
        start_target=f"{targets['cold_start_s']:.1f} s",
        start_mark=mark("cold_start_s"),
        idle="—" if idle is None else f"{idle:.2f} %",
        idle_mark=mark("idle_cpu_pct"),
    )
