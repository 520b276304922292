"""PostgreSQL fixtures: each test gets a fresh database it creates and drops.

The server is $BOARD_TEST_PG (a SQLAlchemy URL of its maintenance database; default
postgresql+psycopg://127.0.0.1:5432/postgres, trust authentication). With $CI set and no
server answering, these tests fail: CI must not pass by skipping them. Elsewhere they skip
with one line.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from board.store.location import ServerDb

ADMIN_URL = os.environ.get("BOARD_TEST_PG", "postgresql+psycopg://127.0.0.1:5432/postgres")


def admin_conninfo(dbname: str | None = None) -> str:
    url = make_url(ADMIN_URL)
    parts = {
        "host": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "dbname": dbname or url.database or "postgres",
        "user": url.username,
        "password": url.password,
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v is not None)


def server_or_skip() -> None:
    try:
        psycopg.connect(admin_conninfo(), connect_timeout=3).close()
    except psycopg.Error as exc:
        message = f"PostgreSQL not reachable at {ADMIN_URL}: {' '.join(str(exc).split())}"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {message}")
        pytest.skip(f"{message}: PostgreSQL tests skipped")


def admin(sql: str, dbname: str | None = None) -> None:
    with psycopg.connect(admin_conninfo(dbname), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def sql_rows(dbname: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(admin_conninfo(dbname), autocommit=True) as conn:
        return list(conn.execute(sql).fetchall())  # type: ignore[arg-type]


@pytest.fixture
def pg_name() -> Iterator[str]:
    """The name of a fresh, empty database on the server, dropped after the test."""
    server_or_skip()
    name = f"board_test_{secrets.token_hex(5)}"
    admin(f'CREATE DATABASE "{name}"')
    yield name
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_db(pg_name: str) -> ServerDb:
    """A fresh server database as board's `--db` value (empty: no board tables yet)."""
    return ServerDb(make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=pg_name))


@pytest.fixture
def pg_demo(pg_db: ServerDb) -> ServerDb:
    """The demo zone, built for TODAY, in a fresh server database."""
    from board.store.demo import build_demo
    from tests.conftest import TODAY

    build_demo(pg_db, TODAY)
    return pg_db
