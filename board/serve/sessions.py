"""The board sessions running now: at most `--max-sessions` of them, each logged when it starts
and ends (address, start, end), each ended when the server stops.

One session is one browser tab and one board process (measured in docs/serve.md: tens of MB and
about a second to start each), so the cap protects the machine the board shares with its users.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from board.i18n import t
from board.serve.process import BoardProcess

log = logging.getLogger("board.serve")


@dataclass
class Session:
    """One tab: where it came from, when it started, its socket and its board."""

    number: int
    address: str
    started: datetime
    websocket: web.WebSocketResponse
    process: BoardProcess | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)


class Sessions:
    """The sessions now running, numbered from 1 in the order they started."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active: dict[int, Session] = {}
        self.started = 0

    @property
    def free(self) -> int:
        return max(self.limit - len(self.active), 0)

    def open(self, address: str, websocket: web.WebSocketResponse) -> Session | None:
        """A new session, or None (and a log line) when `limit` are already running."""
        if not self.free:
            log.warning(t("serve.log.full", address=address, limit=self.limit))
            return None
        self.started += 1
        session = Session(self.started, address, datetime.now(), websocket)
        self.active[session.number] = session
        log.info(
            t(
                "serve.log.start",
                number=session.number,
                address=address,
                start=clock(session.started),
            )
        )
        return session

    def close(self, session: Session) -> None:
        if self.active.pop(session.number, None) is None:
            return
        end = datetime.now()
        seconds = round((end - session.started).total_seconds())
        log.info(
            t(
                "serve.log.end",
                number=session.number,
                address=session.address,
                start=clock(session.started),
                end=clock(end),
                seconds=seconds,
            )
        )
        session.ended.set()

    async def end_all(self, timeout: float) -> None:
        """Close every session's socket (the page reconnects to the next server) and wait for
        its board to go; whatever is left after `timeout` is killed."""
        sessions = list(self.active.values())
        for session in sessions:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await session.websocket.close(code=1001)  # 1001: going away
        waits = [asyncio.create_task(session.ended.wait()) for session in sessions]
        if waits:
            _, late = await asyncio.wait(waits, timeout=timeout)
            for task in late:
                task.cancel()
        for session in list(self.active.values()):
            if session.process is not None:
                await session.process.finish()
            self.close(session)


def clock(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def address_of(request: web.Request) -> str:
    """The viewer's address; behind a proxy on this machine, the one the proxy forwards."""
    remote = request.remote or "?"
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
    if forwarded and remote in ("127.0.0.1", "::1"):
        return f"{forwarded} (via {remote})"
    return remote
