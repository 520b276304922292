"""`board bench`: build synthetic zones, run the real board on them in a child process, and report
every figure of issue 5 against its target (a table in the UI language, or one JSON object).

The measuring itself lives in `board.bench.run`; this module parses options and prints.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import click

from board.cli.params import CountType, WhereType, today_option
from board.config import DisplayOptions
from board.i18n import t
from board.store.location import Where


class SizesType(click.ParamType[tuple[int, ...]]):
    """A comma-separated list of project counts, e.g. 300,10000."""

    name = "N,N,..."

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        try:
            sizes = tuple(int(part) for part in str(value).split(",") if part.strip())
        except ValueError:
            sizes = ()
        if not sizes or any(size < 1 for size in sizes):
            self.fail(t("bench.err.sizes", value=value), param, ctx)
        return sizes


class SecondsType(click.ParamType[float]):
    """A number of seconds, at least half a second."""

    name = "SECONDS"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = 0.0
        if not seconds >= 0.5:  # also refuses nan
            self.fail(t("bench.err.seconds", value=value), param, ctx)
        return seconds


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "%":
        return f"{value:.2f} %"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.0f} ms"


def verdict(passed: bool | None) -> str:
    if passed is None:
        return t("bench.info")
    return t("bench.pass") if passed else t("bench.fail")


def print_tables(result: dict[str, Any], idle_seconds: float) -> None:
    """One table per size: figure, target, measured, pass/fail."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = 110  # a file or a pipe: wide enough that no figure's name wraps
    tables = [
        (
            t(
                "bench.title",
                projects=size["details"]["database"].get("projects", size["size"]),
                departments=size["details"]["database"].get("departments", 0),
                pledges=size["details"]["database"].get("pledges", 0),
            ),
            size,
        )
        for size in result["sizes"]
    ]
    if result.get("soak"):
        soak = result["soak"]
        tables.append(
            (
                t(
                    "bench.soak.title",
                    projects=soak["size"],
                    changes=soak["details"]["history"],
                    writes=soak["details"]["writes"],
                    rate=soak["details"]["rate_per_s"],
                ),
                soak,
            )
        )
    for title, size in tables:
        table = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left")
        table.add_column(t("bench.col.figure"))
        table.add_column(t("bench.col.target"), justify="right")
        table.add_column(t("bench.col.measured"), justify="right")
        table.add_column(t("bench.col.result"))
        for key, fig in size["figures"].items():
            target = "—" if fig["target"] is None else "≤ " + number(fig["target"], fig["unit"])
            style = "" if fig["pass"] is None else ("green" if fig["pass"] else "bold red")
            table.add_row(  # Text, not markup: nothing here is parsed for [tags]
                Text(t(f"bench.fig.{key}", seconds=round(idle_seconds))),
                Text(target),
                Text(number(fig["measured"], fig["unit"])),
                Text(verdict(fig["pass"]), style=style),
            )
        console.print(table)
    console.print(Text(t("bench.overall.pass") if result["pass"] else t("bench.overall.fail")))


@click.command("bench", help="help.cmd.bench")
@click.option(
    "--sizes", type=SizesType(), default="300,10000", show_default=True, help=t("bench.help.sizes")
)
@click.option(
    "--writes",
    type=CountType(2),
    default=50,
    show_default=True,
    help=t("bench.help.writes"),
)
@click.option(
    "--idle-seconds",
    type=SecondsType(),
    default=60.0,
    show_default=True,
    help=t("bench.help.idle"),
)
@click.option(
    "--key-rounds",
    type=CountType(1),
    default=10,
    show_default=True,
    help=t("bench.help.keys"),
)
@click.option(
    "--soak-minutes",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help=t("bench.help.soak"),
)
@today_option
@click.option("--json", "as_json", is_flag=True, help=t("bench.help.json"))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help=t("bench.help.out"))
@click.option(
    "--keep",
    type=click.Path(path_type=Path, file_okay=False),
    help=t("bench.help.keep"),
)
@click.option("--postgres", type=WhereType(), help=t("bench.pg.help"))
@click.pass_obj
def bench(
    options: DisplayOptions | None,
    sizes: tuple[int, ...],
    writes: int,
    idle_seconds: float,
    key_rounds: int,
    soak_minutes: float,
    today: date | None,
    as_json: bool,
    out: Path | None,
    keep: Path | None,
    postgres: Where | None,
) -> None:
    """Measure the board at scale: writes → screen, bursts, cold start, keys, idle CPU, memory."""
    from board.bench.run import Settings, run_bench

    day = today or (options.today if options else None) or date.today()
    if postgres is not None:  # the PostgreSQL figures instead (board/cli/bench_pg.py)
        from board.cli.bench_pg import run_postgres_bench

        run_postgres_bench(postgres, sizes, writes, day, as_json, out, idle_seconds)
        return

    def say(message: str) -> None:
        click.echo(message, err=True)

    def measure(workdir: Path) -> dict[str, Any]:
        settings = Settings(
            sizes=sizes,
            writes=writes,
            idle_seconds=idle_seconds,
            key_rounds=key_rounds,
            today=day,
            workdir=workdir,
            soak_minutes=soak_minutes,
        )
        return run_bench(settings, say)

    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        result = measure(keep)
    else:
        with tempfile.TemporaryDirectory(prefix="board-bench-") as workdir:
            result = measure(Path(workdir))
    from board.bench.run import result_text

    text = result_text(result, out)
    if as_json:
        click.echo(text)
    else:
        print_tables(result, idle_seconds)
        if out is not None:
            click.echo(t("bench.written", path=out))


COMMANDS = (bench,)
