"""`board copy SRC DST`: a whole board database from one place to another, either engine.

An office that outgrows its file moves to PostgreSQL (file → server); a laptop takes a copy
home (server → file). The source is read in one read transaction (one consistent moment); the
destination is written in one transaction, so it is either the whole copy or untouched. Ids are
kept (every reference stays true), and the change log is copied as it is, ids and times
included: the history and "since the last meeting" read the same on both sides. The inserts'
own log rows, which the destination's triggers write, are removed before the source's log
goes in; then each id sequence is moved past the highest id (PostgreSQL). A destination that
holds any board rows is refused unless `replace` (its rows are deleted in the same
transaction); one that holds anything else is refused.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Table, delete, func, insert, select
from sqlalchemy.exc import DBAPIError

from board.errors import BoardError
from board.i18n import t
from board.store.engine import explain, make_engine
from board.store.location import Where, is_server
from board.store.models import Base
from board.store.pg import has_board_tables, install_pg_schema, is_empty, reset_sequences
from board.store.schema import check_file, check_version, create_database, read_schema_version

CHUNK = 5000
TABLES: tuple[Table, ...] = tuple(Base.metadata.sorted_tables)  # parents before children
LOG = Base.metadata.tables["change_log"]
META = Base.metadata.tables["board_meta"]


def same_place(src: Where, dst: Where) -> bool:
    if is_server(src) or is_server(dst):
        return str(src) == str(dst)
    return Path(src).resolve() == Path(dst).resolve()


def prepare_destination(dst: Where) -> None:
    """A destination that does not exist yet (a new file) or an empty server database gets
    board's schema first; anything else must already be a board database of this version."""
    if is_server(dst):
        engine = make_engine(dst, read_only=False)
        try:
            with engine.begin() as conn:
                if not has_board_tables(conn):
                    if not is_empty(conn):
                        raise BoardError(t("err.not_board", path=dst), kind="not_board")
                    install_pg_schema(conn, {})
        except DBAPIError as exc:
            raise explain(exc, dst) from exc
        finally:
            engine.dispose()
        return
    if not dst.exists() or dst.stat().st_size == 0:
        create_database(dst, {})


def board_rows(conn: Connection) -> int:
    """How many rows the destination holds, its meta rows aside (a fresh `board init` is
    empty)."""
    return sum(
        int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for table in TABLES
        if table is not META
    )


def copy_database(src: Where, dst: Where, *, replace: bool = False) -> dict[str, int]:
    """Copy every table of `src` into `dst`; return the rows copied per table."""
    if same_place(src, dst):
        raise BoardError(t("err.copy_same", path=dst), kind="value")
    check_file(src)
    prepare_destination(dst)
    source = make_engine(src, read_only=True)
    target = make_engine(dst, read_only=False)
    counts: dict[str, int] = {}
    try:
        with source.connect() as reading, reading.begin(), target.begin() as writing:
            check_version(read_schema_version(writing, dst), dst)
            if board_rows(writing):
                if not replace:
                    raise BoardError(t("err.copy_not_empty", path=dst), kind="exists")
                for table in reversed(TABLES):
                    writing.execute(delete(table))
            writing.execute(delete(META))
            for table in TABLES:
                if table is LOG:
                    continue
                counts[table.name] = copy_table(reading, writing, table)
            # The inserts above logged themselves on the destination; its history is the
            # source's, as it was.
            writing.execute(delete(LOG))
            counts[LOG.name] = copy_table(reading, writing, LOG)
            if writing.dialect.name == "postgresql":
                reset_sequences(writing)
    except DBAPIError as exc:
        # The source passed its check a moment ago: a failure now is the destination's.
        raise explain(exc, dst) from exc
    finally:
        source.dispose()
        target.dispose()
    return counts


def copy_table(reading: Connection, writing: Connection, table: Table) -> int:
    order = table.c.id if "id" in table.c else table.c.key
    result = reading.execution_options(yield_per=CHUNK).execute(select(table).order_by(order))
    copied = 0
    for chunk in result.mappings().partitions(CHUNK):
        rows = [dict(row) for row in chunk]
        writing.execute(insert(table), rows)
        copied += len(rows)
    return copied
