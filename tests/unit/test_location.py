"""`--db` values: a path or sqlite:/// URL is a file, a postgresql URL a server database (never
printed with its password), anything else refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from board.errors import BoardError
from board.store.location import ServerDb, is_server, parse_where


def test_paths_and_sqlite_urls_are_files() -> None:
    assert parse_where("data/board.db") == Path("data/board.db")
    assert parse_where("sqlite:////tmp/x.db") == Path("/tmp/x.db")  # as SQLAlchemy spells it
    assert parse_where("sqlite:///x.db") == Path("x.db")
    assert not is_server(parse_where(Path("调度 会/x.db")))


def test_postgresql_urls_take_psycopg_and_hide_the_password() -> None:
    for text in (
        "postgresql://me:s3cret@db:5433/board",
        "postgresql+psycopg://me:s3cret@db:5433/board",
    ):
        where = parse_where(text)
        assert isinstance(where, ServerDb)
        assert where.url.drivername == "postgresql+psycopg"
        assert "s3cret" not in str(where) and where.name == "board"


def test_conninfo_survives_quotes_and_keeps_options() -> None:
    import psycopg.conninfo

    where = parse_where("postgresql+psycopg://me:it's%5Cx@db/board?sslmode=require")
    assert isinstance(where, ServerDb)
    got = psycopg.conninfo.conninfo_to_dict(where.conninfo)
    assert got == {"host": "db", "dbname": "board", "user": "me", "password": "it's\\x",
                   "sslmode": "require"}  # fmt: skip


@pytest.mark.parametrize("text", ["mysql://u@h/db", "postgresql+psycopg://h:5432"])
def test_other_schemes_and_no_database_are_refused(text: str) -> None:
    with pytest.raises(BoardError) as refused:
        parse_where(text)
    assert refused.value.kind == "value" and "\n" not in refused.value.message
