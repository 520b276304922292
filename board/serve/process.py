"""One board process behind one WebSocket: textual-serve's AppService, started without a shell
and always ended.

This is the only module that reaches past textual-serve's public surface (it is pinned exactly
in pyproject.toml; tests/unit/test_serve_private.py fails by name when an upgrade moves these):
- `AppService._open_app_process(width, height)`: overridden, because the stock one runs its
  command through a shell and board's command carries what a browser asked for;
- `AppService._build_environment(width, height)`: the environment Textual's web driver needs;
- `AppService._process`, `._stdin`, `._task`: the child, its input, the task reading it.

`AppService.stop()` asks the board to quit and waits for its output to end, with no limit: a
board that does not answer would be an orphan. `finish()` waits a few seconds, then kills it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from asyncio.subprocess import PIPE, Process
from pathlib import Path
from typing import Final

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

TEXTUAL_SERVE_VERSION: Final = "1.1.3"
STATIC: Final = Path(textual_serve.__file__).resolve().parent / "static"
QUIT_SECONDS: Final = 5.0

log = logging.getLogger("board.serve")


class BoardProcess(AppService):
    """A board in a child process, its terminal carried over one WebSocket."""

    def __init__(
        self, argv: list[str], websocket: web.WebSocketResponse, downloads: DownloadManager
    ) -> None:
        async def close() -> None:
            await websocket.close()

        super().__init__(
            " ".join(argv),  # shown in textual-serve's own log lines only
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=downloads,
        )
        self.argv = argv

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        environment = self._build_environment(width=width, height=height)
        process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=PIPE, stdout=PIPE, stderr=PIPE, env=environment
        )
        assert process.stdin is not None
        self._process = process
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def finish(self) -> None:
        """Ask the board to quit; kill it if it has not gone within QUIT_SECONDS."""
        process = self._process
        if process is None:
            return
        with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
            await asyncio.wait_for(self.stop(), QUIT_SECONDS)
        if process.returncode is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), QUIT_SECONDS)
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def relay(self, websocket: web.WebSocketResponse) -> None:
        """What the browser sends, until its socket closes: keys, sizes, focus, pings."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind = envelope[0]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(envelope[1], str):
                await self.send_bytes(envelope[1].encode("utf-8"))
            elif kind == "resize" and isinstance(envelope[1], dict):
                size = envelope[1]
                width, height = size.get("width"), size.get("height")
                if isinstance(width, int) and isinstance(height, int):
                    await self.set_terminal_size(max(width, 1), max(height, 1))
            elif kind == "ping":
                # The page pings every few seconds: a pong tells it the network still works.
                await websocket.send_json(["pong", envelope[1] if len(envelope) > 1 else ""])
            elif kind == "blur":
                await self.blur()
            elif kind == "focus":
                await self.focus()
