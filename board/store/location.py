"""Where the data lives: a SQLite file (a `Path`, as always) or a PostgreSQL server (`ServerDb`).

`--db` / `$BOARD_DB` take either. A value with `://` is a SQLAlchemy URL: `postgresql+psycopg://`
(or plain `postgresql://`, which means the same driver here) names a server database;
`sqlite:///path` is a file like a bare path. Any other scheme is refused in one line. Every
store entry point takes a `Where` and branches once, at its top, on `is_server`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from typing_extensions import TypeIs

from board.errors import BoardError
from board.i18n import t

SERVER_SCHEMES = ("postgresql", "postgresql+psycopg", "postgres")


@dataclass(frozen=True)
class ServerDb:
    """A PostgreSQL database, by its SQLAlchemy URL (always with the psycopg 3 driver)."""

    url: URL

    def __str__(self) -> str:
        # What messages show: never the password.
        return self.url.render_as_string(hide_password=True)

    @property
    def name(self) -> str:
        return self.url.database or ""

    def with_database(self, name: str) -> ServerDb:
        return ServerDb(self.url.set(database=name))

    @property
    def conninfo(self) -> str:
        """The libpq connection string psycopg itself takes (for the listener): the URL's
        host, port, database, user and password, and its query (`?sslmode=require`...)."""
        parts: dict[str, object] = {
            "host": self.url.host,
            "port": self.url.port,
            "dbname": self.url.database,
            "user": self.url.username,
            "password": self.url.password,
        }
        for key, value in self.url.query.items():
            parts[key] = value if isinstance(value, str) else ",".join(value)
        return " ".join(f"{k}={libpq_quote(str(v))}" for k, v in parts.items() if v is not None)


def libpq_quote(value: str) -> str:
    """A value in a libpq connection string: single-quoted, with \\ and \' escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


Where = Path | ServerDb


def as_argument(where: Where) -> str:
    """`where` as a `--db` value for a board process we start (a browser tab's, the bench's
    child): the whole URL, password included (or keep it in ~/.pgpass and out of the URL)."""
    if isinstance(where, ServerDb):
        return where.url.render_as_string(hide_password=False)
    return str(where)


def is_server(where: Where) -> TypeIs[ServerDb]:
    return isinstance(where, ServerDb)


def parse_where(value: str | Path) -> Where:
    """A `--db` value as a file path or a server database; an unknown scheme is refused."""
    if isinstance(value, Path):
        return value
    text = str(value).strip()
    if "://" not in text:
        return Path(text)
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise BoardError(t("err.bad_url", url=text), kind="value") from exc
    if url.drivername == "sqlite" or url.drivername.startswith("sqlite+"):
        return Path(url.database or "")
    if url.drivername not in SERVER_SCHEMES:
        raise BoardError(
            t("err.unknown_scheme", scheme=url.drivername, url=url.render_as_string()),
            kind="value",
        )
    if not url.database:
        raise BoardError(t("err.bad_url", url=url.render_as_string()), kind="value")
    return ServerDb(url.set(drivername="postgresql+psycopg"))
