"""`board prune`: keeping the shared file's change log in bounds.

Deletes change_log rows older than `--keep-days` (default: board_meta `log_keep_days`, else 90)
in one transaction, never the rows the since-report of the current and the previous meeting
needs unless `--force`, and says what it removed. `--vacuum` then gives the space back to the
disk. The database is `--db`, else `$BOARD_DB`, else data/board.db.
"""

from __future__ import annotations

import json

import click

from board.cli.params import DEFAULT_DB, CountType, chosen_db, db_option, today_of
from board.config import DisplayOptions
from board.i18n import t
from board.store.location import Where


@click.command("prune", help="prune.help")
@db_option(DEFAULT_DB)
@click.option("--keep-days", type=CountType(0), default=None, help="prune.help.keep_days")
@click.option("--force", is_flag=True, help="prune.help.force")
@click.option("--dry-run", is_flag=True, help="prune.help.dry_run")
@click.option("--vacuum", is_flag=True, help="prune.help.vacuum")
@click.option("--json", "as_json", is_flag=True, help="prune.help.json")
@click.pass_obj
def prune(
    options: DisplayOptions | None,
    db: Where,
    keep_days: int | None,
    force: bool,
    dry_run: bool,
    vacuum: bool,
    as_json: bool,
) -> None:
    from board.store.prune import prune_log
    from board.store.writer import Writer

    path = chosen_db(db)
    today = today_of(options)
    with Writer(path) as writer:
        result = writer.run(lambda c: prune_log(c, today, keep_days, force=force, dry_run=dry_run))
        if vacuum and not dry_run:
            writer.vacuum()
    if as_json:
        click.echo(json.dumps({**result.__dict__, "dry_run": dry_run}, ensure_ascii=False))
        return
    key = "prune.would" if dry_run else "prune.done"
    if result.removed:
        click.echo(
            t(key, removed=result.removed, oldest=result.oldest, newest=result.newest, path=path)
        )
    else:
        click.echo(t("prune.nothing", before=result.before, path=path))
    if result.protected_from is not None:
        click.echo(t("prune.protected", since=result.protected_from))
    click.echo(t("prune.kept", kept=result.kept))
    if vacuum and not dry_run:
        click.echo(t("prune.vacuumed", path=path))


COMMANDS = (prune,)
