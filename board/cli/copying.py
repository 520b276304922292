"""`board copy SRC DST`: move an office's whole database between a file and a server.

Either side is a SQLite path or a `postgresql+psycopg://` URL (as `--db` takes). One
transaction on the destination, ids and the change log kept; a destination with board rows is
refused unless `--replace`. Prints the rows copied per table.
"""

from __future__ import annotations

import click

from board.cli.params import WhereType
from board.i18n import t
from board.store.location import Where


@click.command("copy", help="help.cmd.copy")
@click.argument("src", type=WhereType())
@click.argument("dst", type=WhereType())
@click.option("--replace", is_flag=True, help="help.copy.replace")
def copy(src: Where, dst: Where, replace: bool) -> None:
    from board.store.copy import copy_database

    counts = copy_database(src, dst, replace=replace)
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        click.echo(t("cli.copy_table", table=name.ljust(width), count=count))
    click.echo(t("cli.copied", src=src, dst=dst, total=sum(counts.values())))


COMMANDS = (copy,)
