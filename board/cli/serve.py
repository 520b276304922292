"""`board serve`: the board in a browser (board/serve/), for the meeting-room TV and the offices.

The refusals happen here, before anything listens: a board open to the network without a token,
`--edit` without a token, half a TLS pair, an unreadable token file. Each is one line, exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from board.cli.params import DEFAULT_DB, CountType, chosen_db, db_option
from board.config import DisplayOptions
from board.errors import BoardError, quoted
from board.i18n import current_language, t
from board.store.location import Where, as_argument, is_server

FILE = click.Path(path_type=Path, dir_okay=False, readable=False)


class PortType(click.ParamType[int]):
    """A TCP port, 1–65535, refused in one line in the UI language."""

    name = "PORT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            port = int(value)
        except (TypeError, ValueError):
            port = 0
        if not 1 <= port <= 65535:
            self.fail(t("serve.err.port", value=value), param, ctx)
        return port


def read_token(token: str | None, token_file: Path | None) -> str | None:
    """The token from --token or the first line of --token-file (the way that keeps it out of
    `ps`); None when neither was given."""
    if token is not None and token_file is not None:
        raise BoardError(t("serve.err.token_both"))
    if token_file is not None:
        try:
            lines = token_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError) as exc:
            raise BoardError(
                t("serve.err.token_file", path=quoted(token_file), detail=exc), kind="io"
            ) from exc
        token = lines[0] if lines else ""
        source = quoted(token_file)
    else:
        source = "--token"
    if token is None:
        return None
    token = token.strip()
    if not token:
        raise BoardError(t("serve.err.token_empty", source=source))
    return token


@click.command(help="help.cmd.serve")
@db_option(DEFAULT_DB)
@click.option("--host", default="127.0.0.1", show_default=True, help="help.serve.host")
@click.option("--port", type=PortType(), default=8000, show_default=True, help="help.serve.port")
@click.option("--token", help="help.serve.token")
@click.option("--token-file", type=FILE, help="help.serve.token_file")
@click.option(
    "--max-sessions", type=CountType(1), default=8, show_default=True, help="help.serve.max"
)
@click.option("--public-url", help="help.serve.public_url")
@click.option("--certfile", type=FILE, help="help.serve.certfile")
@click.option("--keyfile", type=FILE, help="help.serve.keyfile")
@click.option("--edit", is_flag=True, help="help.serve.edit")
@click.option("--allow-origin", multiple=True, help="help.serve.allow_origin")
@click.pass_obj
def serve(
    options: DisplayOptions,
    db: Where,
    host: str,
    port: int,
    token: str | None,
    token_file: Path | None,
    max_sessions: int,
    public_url: str | None,
    certfile: Path | None,
    keyfile: Path | None,
    edit: bool,
    allow_origin: tuple[str, ...],
) -> None:
    """Serve the board to browsers: one read-only board per tab, behind a token."""
    from board.serve.settings import ServeSettings, is_loopback, origin_of
    from board.store.schema import check_file

    db = chosen_db(db)
    if not is_server(db):
        db = db.resolve()
    token = read_token(token, token_file)
    if token is None and not is_loopback(host):
        raise BoardError(t("serve.err.open_bind", host=host or "0.0.0.0"))
    if (edit or options.edit) and token is None:
        raise BoardError(t("serve.err.edit_token"))
    if (certfile is None) != (keyfile is None):
        raise BoardError(t("serve.err.tls_pair"))
    for url in (*allow_origin, *([public_url] if public_url else [])):
        if origin_of(url) is None:
            raise BoardError(t("serve.err.url", url=url))
    check_file(db, thorough=True)  # a bad file fails here, once, not in every tab
    settings = ServeSettings(
        db=as_argument(db),
        host=host,
        port=port,
        token=token,
        max_sessions=max_sessions,
        public_url=public_url,
        certfile=certfile,
        keyfile=keyfile,
        edit=edit or options.edit,
        allow_origins=allow_origin,
        lang=current_language(),
        theme=options.theme,
        present=options.present,
        today=options.today,
        poll=options.poll,
    )
    from board.serve.server import serve as run_server

    run_server(settings)


COMMANDS = [serve]
