"""`board serve` on a server database: a tab's board gets the URL as its --db and draws the
board (through the real aiohttp application and a real board process)."""

from __future__ import annotations

from pathlib import Path

from board.serve.settings import PageView, board_argv
from board.store.location import ServerDb, as_argument
from tests.system.test_cli_writes import board, one_line_error, zh
from tests.system.test_serve_http import (
    WS,
    client_for,
    first_bytes,
    log_in,
    own_origin,
    settings_for,
)


async def test_a_tab_shows_the_server_database(pg_demo: ServerDb) -> None:
    settings = settings_for(as_argument(pg_demo))  # type: ignore[arg-type]
    argv = board_argv(settings, PageView())
    assert argv[argv.index("--db") + 1] == as_argument(pg_demo)
    async with client_for(settings) as client:
        await log_in(client)
        socket = await client.ws_connect(WS, headers={"Origin": own_origin(client)})
        screen = await first_bytes(socket)
        assert len(screen) > 100
        await socket.close()


def test_serve_takes_a_url_and_still_refuses_an_open_bind(
    pg_demo: ServerDb, tmp_path: Path
) -> None:
    args = ("serve", "--db", as_argument(pg_demo), "--host", "0.0.0.0")
    line = one_line_error(board(*args, db=None, cwd=tmp_path))
    assert zh("serve.err.open_bind", host="0.0.0.0") in line
