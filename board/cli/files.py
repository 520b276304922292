"""`board export|import|minutes`: the office's Excel and CSV files, and the 会议纪要.

`export` writes the four sheets (or a template with instructions, or one sheet as CSV); `import`
checks a whole file and writes it in one transaction or not at all, listing every problem as
sheet, row, column and reason: board's own workbook, or an office's ledger as it is (a preview
of what it found and will do first; --map / --suggest-map for the office's column mapping);
`minutes` writes a meeting's minutes as Markdown or a workbook.
The database is `--db`, else `$BOARD_DB`, else data/board.db.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from board.cli.params import DEFAULT_DB, DateType, chosen_db, db_option, today_of, today_option
from board.config import DisplayOptions
from board.errors import BoardError
from board.i18n import t
from board.store.location import Where

if TYPE_CHECKING:
    from board.exchange.ledger.report import LedgerResult


class YearType(click.ParamType[int]):
    """A four-digit year (the year of a ledger's dates written without one)."""

    name = "YYYY"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            year = int(str(value).strip())
        except ValueError:
            year = 0
        if not 1900 <= year <= 2100:
            self.fail(t("err.bad_year", value=value), param, ctx)
        return year


MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
WORKBOOK_SUFFIXES = (".xlsx",)

out_path = click.Path(path_type=Path, dir_okay=False)
force_option = click.option("--force", is_flag=True, help="help.opt.force")


def refuse_existing(path: Path, force: bool) -> None:
    """An export never silently replaces a file someone may have spent an hour editing."""
    if path.exists() and not force:
        raise BoardError(t("err.out_exists", path=path), kind="exists")


@click.command("export", help="help.cmd.export")
@db_option(DEFAULT_DB)
@click.option("--template", is_flag=True, help="help.export.template")
@click.option("--sheet", help="help.export.sheet")
@force_option
@today_option
@click.argument("file", type=out_path)
@click.pass_obj
def export_command(
    options: DisplayOptions | None,
    db: Where,
    template: bool,
    sheet: str | None,
    force: bool,
    today: date | None,
    file: Path,
) -> None:
    """Write the sheets 项目, 表态, 问题, 部门, 节点 and 概况 to FILE.xlsx (or one to FILE.csv)."""
    from board.exchange.exporting import export_file

    refuse_existing(file, force)
    result = export_file(
        None if template else chosen_db(db),
        file,
        sheet=sheet,
        template=template,
        today=today_of(options, today),
    )
    if template:
        names = t("io.list_sep").join(name for name, _rows in result.counts)
        click.echo(t("export.template", path=file, sheets=names))
    else:
        counts = t("io.list_sep").join(
            t("export.count", sheet=name, rows=n) for name, n in result.counts
        )
        click.echo(t("export.done", path=file, counts=counts))


@click.command("import", help="help.cmd.import")
@db_option(DEFAULT_DB)
@click.option("--sheet", help="help.import.sheet")
@click.option("--dry-run", is_flag=True, help="help.import.dry_run")
@click.option("--json", "as_json", is_flag=True, help="help.import.json")
@click.option(
    "--map", "map_file", type=click.Path(path_type=Path, dir_okay=False), help="help.import.map"
)
@click.option("--suggest-map", is_flag=True, help="help.import.suggest_map")
@click.option("--year", type=YearType(), help="help.import.year")
@click.option("--create-departments", is_flag=True, help="help.import.create_departments")
@click.option("--rename", is_flag=True, help="help.import.rename")
@click.option("--all-errors", is_flag=True, help="help.import.all_errors")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def import_command(
    options: DisplayOptions | None,
    db: Where,
    sheet: str | None,
    dry_run: bool,
    as_json: bool,
    map_file: Path | None,
    suggest_map: bool,
    year: int | None,
    create_departments: bool,
    rename: bool,
    all_errors: bool,
    file: Path,
) -> None:
    """Check FILE whole (board's own workbook or an office ledger), then write it in one
    transaction (or nothing)."""
    from board.exchange.importing import ImportRefused
    from board.exchange.ledger.plan import Options
    from board.exchange.ledger.report import LedgerRefused, LedgerResult, refusal
    from board.exchange.ledger.run import import_any
    from board.exchange.ledger.run import suggest_map as suggested

    wanted = Options(sheet, map_file, year, create_departments, rename, dry_run)
    if suggest_map:
        click.echo(suggested(file, wanted, today_of(options)), nl=False)
        return
    try:
        result = import_any(chosen_db(db), file, wanted, today_of(options))
    except ImportRefused as refused:
        for problem in refused.problems:
            click.echo(problem.line(), err=True)
        click.echo(t("import.refused", count=len(refused.problems), path=file), err=True)
        click.get_current_context().exit(refused.exit_code)
        return
    except LedgerRefused as refused:
        for line in refusal(refused.problems, file, everything=all_errors):
            click.echo(line, err=True)
        click.get_current_context().exit(refused.exit_code)
        return
    if isinstance(result, LedgerResult):
        echo_ledger(result, as_json=as_json, everything=all_errors)
        return
    if create_departments or year is not None:
        click.echo(t("import.own_format_flags"), err=True)
    for sheet_result in result.sheets:
        if sheet_result.ignored:
            click.echo(
                t(
                    "import.ignored",
                    sheet=sheet_result.sheet,
                    columns=t("io.list_sep").join(sheet_result.ignored),
                ),
                err=True,
            )
    if as_json:
        payload = {
            "file": str(file),
            "dry_run": dry_run,
            "sheets": [s.as_json() for s in result.sheets],
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    for s in result.sheets:
        click.echo(
            t(
                "import.sheet_counts",
                sheet=s.sheet,
                added=s.added,
                updated=s.updated,
                unchanged=s.unchanged,
            )
        )
    click.echo(t("import.dry_run" if dry_run else "import.done", path=file))


def echo_ledger(result: LedgerResult, *, as_json: bool, everything: bool) -> None:
    """The preview of a ledger import (the whole of a dry run, the start of a real one)."""
    from board.exchange.ledger.report import as_json as payload
    from board.exchange.ledger.report import preview

    if as_json:
        click.echo(json.dumps(payload(result), ensure_ascii=False))
        return
    click.echo(t("ledger.file", path=result.path))
    for report in result.reports:
        for line in preview(report, everything=everything):
            click.echo(line)
    if result.dry_run:
        click.echo(t("import.dry_run", path=result.path))
    elif result.changed:
        click.echo(t("import.done", path=result.path))
    else:
        click.echo(t("ledger.nothing_changed", path=result.path))


@click.command("minutes", help="help.cmd.minutes")
@db_option(DEFAULT_DB)
@click.option("--meeting", type=int, help="help.opt.meeting")
@click.option("--out", "out", required=True, type=out_path, help="help.minutes.out")
@click.option("--today", type=DateType(), help="help.minutes.today")
@force_option
@click.pass_obj
def minutes_command(
    options: DisplayOptions | None,
    db: Where,
    meeting: int | None,
    out: Path,
    today: date | None,
    force: bool,
) -> None:
    """Write the 会议纪要 of a meeting: attendees, pledges, 督办清单, red projects."""
    from board.domain.minutes import build_minutes
    from board.exchange.minutes import write_minutes
    from board.store.schema import check_file
    from board.store.source import SnapshotSource

    if out.suffix.lower() not in (*MARKDOWN_SUFFIXES, *WORKBOOK_SUFFIXES):
        raise BoardError(t("err.minutes_format", path=out), kind="value")
    refuse_existing(out, force)
    path = chosen_db(db)
    check_file(path)
    source = SnapshotSource(path)
    try:
        snapshot = source.poll(force=True)
    finally:
        source.close()
    assert snapshot is not None  # force=True always reads
    minutes = build_minutes(snapshot, today_of(options, today), meeting)
    write_minutes(minutes, out)
    held = minutes.held_on.isoformat() if minutes.held_on else "—"
    click.echo(t("minutes.written", path=out, title=minutes.title, date=held))


COMMANDS = (export_command, import_command, minutes_command)
