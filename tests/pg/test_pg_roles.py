"""Roles as docs/postgresql.md sets them up: the meeting-room display runs under a SELECT-only
role and cannot write; the office's writer role writes, and its writes are logged."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from board.store.location import ServerDb
from tests.conftest import make_app, settle, wait_for
from tests.pg.conftest import admin, admin_conninfo, sql_rows
from tests.system.test_cli_writes import board, ok_line, one_line_error, zh


def grants(role: str, db: str, *, write: bool) -> str:
    """The grants of docs/postgresql.md, for `role` on database `db`."""
    sql = (
        f'GRANT CONNECT ON DATABASE "{db}" TO {role}; '
        f"GRANT USAGE ON SCHEMA public TO {role}; "
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}; "
    )
    if write:
        sql += (
            f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; "
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}; "
        )
    return sql


@pytest.fixture
def roles(pg_demo: ServerDb) -> Iterator[tuple[ServerDb, ServerDb]]:
    """(display, writer): the demo database as each role sees it."""
    suffix = secrets.token_hex(4)
    display, writer = f"board_display_{suffix}", f"board_writer_{suffix}"
    for role in (display, writer):
        admin(f"CREATE ROLE {role} LOGIN PASSWORD 'x'")
    admin(grants(display, pg_demo.name, write=False), pg_demo.name)
    admin(grants(writer, pg_demo.name, write=True), pg_demo.name)
    url = pg_demo.url
    yield (
        ServerDb(url.set(username=display, password="x")),
        ServerDb(url.set(username=writer, password="x")),
    )
    for role in (display, writer):
        admin(f"DROP OWNED BY {role}", pg_demo.name)
        admin(f"DROP ROLE {role}")


def url(db: ServerDb) -> str:
    return db.url.render_as_string(hide_password=False)


async def test_display_runs_under_select_only_and_cannot_write(
    roles: tuple[ServerDb, ServerDb], tmp_path: Path
) -> None:
    display, writer = roles
    app = make_app(display, safety_poll=60)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.error is None and len(app.board.snapshot.projects) > 10
        await wait_for(pilot, lambda: app.watcher is not None and app.watcher.attached, 5)
        # The office writes as its writer role; the display shows it, live.
        code = app.board.snapshot.projects[0].code
        ok_line(board("project", "set", code, "--progress", "66", "--db", url(writer), db=None,
                      cwd=tmp_path))  # fmt: skip
        await wait_for(
            pilot,
            lambda: next(p.progress for p in app.board.snapshot.projects if p.code == code) == 66,
            3,
            "the writer's write on the display",
        )
    # The display's role cannot write: not through board, not by hand.
    args = ("project", "set", code, "--progress", "10", "--db", url(display))
    refused = one_line_error(board(*args, db=None, cwd=tmp_path))
    assert zh("err.pg_denied", path=display) in refused
    with (
        psycopg.connect(
            admin_conninfo(display.name) + f" user={display.url.username} password=x"
        ) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("UPDATE projects SET progress = 10")
    assert sql_rows(display.name, f"SELECT progress FROM projects WHERE code = '{code}'") == [(66,)]
