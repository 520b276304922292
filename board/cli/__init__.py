"""The `board` command: open the board, build the demo, create and migrate databases.

Every failure a user can cause ends as one line on stderr and a non-zero exit (2 for bad input),
never a traceback: `main()` is the only place that catches broadly, and it says so in one line.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from board import __version__
from board.cli.localize import install as install_words
from board.cli.localize import translate_help
from board.cli.params import (
    DEFAULT_DB,
    DEMO_DB,
    CountType,
    LanguageType,
    ThemeType,
    chosen_db,
    db_option,
    today_option,
)
from board.config import DisplayOptions
from board.errors import BoardError, quoted
from board.i18n import normalise_language, set_language, t
from board.store.location import Where, is_server


def open_board(db: Where, options: DisplayOptions) -> int:
    """Check the file, then run the board on it; returns the exit code."""
    from board.store.engine import journal_is_wal
    from board.store.schema import check_file

    check_file(db, thorough=True)
    if options.poll and not is_server(db) and journal_is_wal(db):
        raise BoardError(t("err.poll_wal", path=quoted(db)), kind="value")
    from board.ui.app import run_board

    return run_board(db, options)


@click.group(
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="help.cmd.board",
)
@db_option(DEFAULT_DB)
@today_option
@click.option("--lang", type=LanguageType(), envvar="BOARD_LANG", help="help.lang")
@click.option("--theme", type=ThemeType(), default="default", help="help.opt.theme")
@click.option(
    "--present",
    type=CountType(3),
    is_flag=False,
    flag_value=15,
    default=None,
    help="help.opt.present",
)
@click.option("--poll", is_flag=True, help="help.opt.poll")
@click.option("--edit", is_flag=True, help="help.opt.edit")
@click.option("--log", type=click.Path(path_type=Path, dir_okay=False), help="help.opt.log")
@click.version_option(__version__, "--version", prog_name="board", help="help.opt.version")
@click.pass_context
def cli(
    ctx: click.Context,
    db: Where,
    today: date | None,
    lang: str | None,
    theme: str,
    present: int | None,
    poll: bool,
    edit: bool,
    log: Path | None,
) -> None:
    """调度看板 board: a live terminal board for project dispatch meetings."""
    if lang:
        set_language(lang)
    options = DisplayOptions(
        today=today, theme=theme, present=present, poll=poll, log=log, edit=edit
    )
    ctx.obj = options
    if ctx.invoked_subcommand is None:
        ctx.exit(open_board(db, options))


@cli.command(help="help.cmd.init")
@db_option(DEFAULT_DB)
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=False))
def init(db: Where, path: Path | None) -> None:
    """Create an empty database with board's schema (at PATH, or --db)."""
    from board.store.schema import create_database

    db = path or chosen_db(db)  # `board init FILE`, as the "not found" message suggests
    create_database(db, {"zone_name": "", "season_end": "", "year_end": ""})
    click.echo(t("cli.created", path=db))


@cli.command(help="help.cmd.demo")
@db_option(DEMO_DB, from_env=False)
@click.option("--no-open", is_flag=True, help="help.demo.no_open")
@click.option("--projects", type=CountType(0), default=0, help="help.demo.projects")
@click.option("--fresh", is_flag=True, help="help.demo.fresh")
@today_option
@click.pass_obj
def demo(
    options: DisplayOptions,
    db: Where,
    no_open: bool,
    projects: int,
    fresh: bool,
    today: date | None,
) -> None:
    """Build the demo zone of the speech (and open it)."""
    from board.store.demo import build_demo, demo_has_changes

    # $BOARD_DB is not read here: a demo must never overwrite the office's real database.
    db = chosen_db(db)
    day = today or options.today or date.today()
    if db == DEMO_DB:
        db.parent.mkdir(exist_ok=True)
    if not fresh and demo_has_changes(db):
        # Someone wrote to it (the README's examples do): keep their work, say how to start over.
        command = f"board demo --fresh --db {quoted(db)}"
        click.echo(t("cli.demo_kept", path=db, command=command))
    else:
        counts = build_demo(db, day, extra_projects=projects)
        click.echo(
            t(
                "cli.demo_built",
                path=db,
                departments=counts["departments"],
                projects=counts["projects"],
                pledges=counts["pledges"],
                blockers=counts["blockers"],
            )
        )
    if not no_open:
        opened = DisplayOptions(
            today=day if today or options.today else None,
            theme=options.theme,
            present=options.present,
            poll=options.poll,
            log=options.log,
            edit=options.edit,
        )
        click.get_current_context().exit(open_board(db, opened))


@cli.command(help="help.cmd.migrate")
@db_option(DEFAULT_DB)
@click.option(
    "--journal",
    type=click.Choice(["delete", "wal"]),
    help="help.migrate.journal",
)
def migrate(db: Where, journal: str | None) -> None:
    """Upgrade an older database to this board's schema (and switch its journal mode)."""
    from board.store.schema import migrate as run_migrations
    from board.store.schema import set_journal

    db = chosen_db(db)
    old, new = run_migrations(db)
    if old == new:
        click.echo(t("cli.up_to_date", path=db, version=new))
    else:
        click.echo(t("cli.migrated", path=db, old=old, new=new))
    if journal is not None and not is_server(db):  # a server keeps its own journal
        set_journal(db, journal)
        click.echo(t("cli.journal", path=db, mode=journal))


def register_commands() -> None:
    """The data, file and bench commands live in their own modules; attach them."""
    from board.cli.bench import COMMANDS as BENCH_COMMANDS
    from board.cli.copying import COMMANDS as COPY_COMMANDS
    from board.cli.files import COMMANDS as IO_COMMANDS
    from board.cli.maintain import COMMANDS as MAINTAIN_COMMANDS
    from board.cli.milestones import COMMANDS as MILESTONE_COMMANDS
    from board.cli.serve import COMMANDS as SERVE_COMMANDS
    from board.cli.writes import COMMANDS

    commands = (
        *COMMANDS,
        *MILESTONE_COMMANDS,
        *IO_COMMANDS,
        *MAINTAIN_COMMANDS,
        *BENCH_COMMANDS,
        *SERVE_COMMANDS,
    )
    for command in (*commands, *COPY_COMMANDS):
        cli.add_command(command)


def early_language(argv: list[str]) -> None:
    """Honour --lang / $BOARD_LANG before parsing, so parse errors come in that language too."""
    wanted = os.environ.get("BOARD_LANG")
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            wanted = argv[i + 1]
        elif arg.startswith("--lang="):
            wanted = arg.split("=", 1)[1]
    if wanted and normalise_language(wanted):
        set_language(wanted)


def fail(message: str, code: int) -> None:
    """One line on stderr, whatever the message holds (user text may carry line breaks)."""
    flat = " ".join(message.replace("\x1b", "␛").split())
    click.echo(t("err.prefix") + flat, err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `board` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    early_language(args)
    install_words()
    register_commands()
    translate_help(cli)
    try:
        code = cli.main(args=args, prog_name="board", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        code = 130
    except click.ClickException as exc:
        fail(t("err.usage", detail=exc.format_message()), 2)
        return
    except BoardError as exc:
        fail(exc.message, exc.exit_code)
        return
    except KeyboardInterrupt:
        code = 130
    except UnicodeError:
        fail(t("err.encoding"), 2)
        return
    except Exception as exc:  # the last line of defence: one line, never a traceback
        fail(t("err.internal", detail=f"{type(exc).__name__}: {exc}"), 1)
        return
    sys.exit(code if isinstance(code, int) else 0)
