"""The aiohttp application of `board serve` and the loop that runs it.

Routes (every one but /static/ behind the token, see access.py):
- `/`            the board page (503 and a waiting page when every session is taken)
- `/health`      what the page asks while it waits to reconnect: 200, or 503 when full
- `/ws/{lang}/{theme}/{present}`  one board process for one tab (Origin checked: 403)
- `/download/{key}`  a file the board hands to the browser (Textual's deliver_file)
- `/static/ts/`  textual-serve's own assets (xterm.js in textual.js, its CSS and fonts)
- `/static/board/`  board's page script and style
aiohttp's static routes refuse any path that leaves their folder and follow no symlink out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import ssl
from typing import Final

from aiohttp import web
from textual_serve.download_manager import DownloadManager

from board.errors import BoardError
from board.i18n import t
from board.serve.access import Access, guard
from board.serve.page import STATIC, board_page, notice_page
from board.serve.process import STATIC as TEXTUAL_STATIC
from board.serve.process import BoardProcess
from board.serve.sessions import Session, Sessions, address_of
from board.serve.settings import PageView, ServeSettings, board_argv, whole_number

log = logging.getLogger("board.serve")

SETTINGS: Final = web.AppKey("settings", ServeSettings)
SESSIONS: Final = web.AppKey("sessions", Sessions)
DOWNLOADS: Final = web.AppKey("downloads", DownloadManager)
HEARTBEAT_SECONDS: Final = 15.0  # the server drops a tab that stopped answering pings
SHUTDOWN_SECONDS: Final = 8.0


def make_app(settings: ServeSettings) -> web.Application:
    """The application for `settings` (tests run it under aiohttp's test client)."""
    access = Access(settings.token, settings.origins())

    def refuse(request: web.Request) -> web.Response:
        view = PageView.from_query(request.query, settings)
        return notice_page(view.lang, 401, "serve.page.unauthorized")

    app = web.Application(middlewares=[guard(access, refuse)])
    app[SETTINGS] = settings
    app[SESSIONS] = Sessions(settings.max_sessions)
    app[DOWNLOADS] = DownloadManager()

    endings: set[asyncio.Future[None]] = set()

    async def index(request: web.Request) -> web.Response:
        view = PageView.from_query(request.query, settings)
        return board_page(view, full=not app[SESSIONS].free)

    async def health(request: web.Request) -> web.Response:
        free = app[SESSIONS].free
        return web.json_response({"free": free}, status=200 if free else 503)

    async def socket(request: web.Request) -> web.StreamResponse:
        address = address_of(request)
        view = PageView.from_socket_path(
            request.match_info["lang"], request.match_info["theme"], request.match_info["present"]
        )
        if view is None:
            raise web.HTTPNotFound()
        if not access.origin_allowed(request):
            origin = request.headers.get("Origin", "-")
            log.warning(t("serve.log.origin", address=address, origin=origin))
            return notice_page(view.lang, 403, "serve.page.forbidden")
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
        session = app[SESSIONS].open(address, websocket)
        if session is None:
            return board_page(view, full=True)
        try:
            await websocket.prepare(request)
            process = BoardProcess(board_argv(settings, view), websocket, app[DOWNLOADS])
            session.process = process
            width = whole_number(request.query.get("width")) or 80
            height = whole_number(request.query.get("height")) or 24
            await process.start(max(width, 1), max(height, 1))
            await process.relay(websocket)
        finally:
            # aiohttp cancels this handler when the connection goes; the board must end anyway.
            ending = asyncio.ensure_future(end_session(session))
            endings.add(ending)
            ending.add_done_callback(endings.discard)
            await asyncio.shield(ending)
        return websocket

    async def end_session(session: Session) -> None:
        try:
            if session.process is not None:
                await session.process.finish()
        finally:
            app[SESSIONS].close(session)

    async def download(request: web.Request) -> web.StreamResponse:
        downloads = app[DOWNLOADS]
        try:
            meta = await downloads.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound() from None
        response = web.StreamResponse()
        response.content_type = meta.mime_type
        if meta.encoding:
            response.charset = meta.encoding
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{meta.file_name}"'
        await response.prepare(request)
        async for chunk in downloads.download(request.match_info["key"]):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def on_shutdown(app: web.Application) -> None:
        await app[SESSIONS].end_all(SHUTDOWN_SECONDS)

    app.add_routes(
        [
            web.get("/", index),
            web.get("/health", health),
            web.get("/ws/{lang}/{theme}/{present}", socket),
            web.get("/download/{key}", download),
            web.static("/static/ts", TEXTUAL_STATIC, show_index=False, follow_symlinks=False),
            web.static("/static/board", STATIC, show_index=False, follow_symlinks=False),
        ]
    )
    app.on_shutdown.append(on_shutdown)
    return app


def tls_context(settings: ServeSettings) -> ssl.SSLContext | None:
    if settings.certfile is None or settings.keyfile is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(settings.certfile, settings.keyfile)
    except (OSError, ssl.SSLError) as exc:
        raise BoardError(t("serve.err.tls", detail=exc), kind="value") from exc
    return context


def serve(settings: ServeSettings) -> None:
    """Run the server until Ctrl+C or SIGTERM; every board process ends with it."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(settings))
    log.info(t("serve.log.stopped"))


async def run(settings: ServeSettings) -> None:
    """Listen, say where (only once listening: a port in use is one error line, not a
    greeting and then an error), wait for a stop signal, end every session."""
    context = tls_context(settings)
    runner = web.AppRunner(make_app(settings), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(
            runner,
            settings.host or None,
            settings.port,
            ssl_context=context,
            shutdown_timeout=SHUTDOWN_SECONDS,
        )
        try:
            await site.start()
        except OSError as exc:
            raise BoardError(
                t("serve.err.listen", host=settings.host, port=settings.port, detail=exc.strerror),
                kind="io",
            ) from exc
        access = t("serve.access.token") if settings.token else t("serve.access.open")
        mode = t("serve.mode.edit") if settings.edit else t("serve.mode.read")
        log.info(
            t(
                "serve.started",
                url=settings.url,
                access=access,
                limit=settings.max_sessions,
                mode=mode,
            )
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for name in ("SIGINT", "SIGTERM"):
            # Windows has no signal handlers in asyncio: Ctrl+C arrives as KeyboardInterrupt.
            with contextlib.suppress(NotImplementedError, AttributeError, ValueError):
                loop.add_signal_handler(getattr(signal, name), stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
