"""The bench's child side: the real board, headless, with a probe that reports what it shows.

`python -m board.bench.probe DB TODAY EVENTS_FD COMMANDS_FD POLL KEY_ROUNDS LOG` runs
`BoardApp(...).run(headless=True, auto_pilot=...)`; the probe reports every applied board (with
the marker the parent's writer put in a project name) and the moment the screen was refreshed
after it, as JSON lines on EVENTS_FD, and on the command "keys" presses keys through the app's
driver exactly as a terminal does and reports how long each took to show. The parent
(`board.bench.child`) reads the events; `board.bench.run` computes the figures. EVENTS_FD and
COMMANDS_FD are pipe ends as `board.bench.protocol.pipe_token` names them (on Windows, handles).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from board.bench.protocol import MARKER, SCREEN_SIZE, opened_pipe
from board.ui.textual_private import send_key

if TYPE_CHECKING:
    from board.ui.app import BoardApp
    from board.view.board import Board


# The child side ------------------------------------------------------------------------------


class Probe:
    """Inside the child: reports applied boards and drives keys through the app's driver."""

    def __init__(self, app: BoardApp, emit: Callable[..., None], key_rounds: int) -> None:
        self.app = app
        self.emit = emit
        self.key_rounds = key_rounds
        self.marker_id: int | None = None
        self.applied = 0
        self.first_screen: float | None = None
        app.on_applied = self.on_applied

    # Boards ----------------------------------------------------------------------------------

    def marker_seq(self, board: Board) -> int | None:
        project = board.projects.get(self.marker_id) if self.marker_id is not None else None
        found = MARKER.match(project.name) if project is not None else None
        return int(found.group(1)) if found else None

    def on_applied(self, board: Board) -> None:
        applied_at = time.monotonic()
        n, self.applied = self.applied, self.applied + 1
        drawn = self.app.drawable is not None
        self.app.call_after_refresh(self.painted, n, applied_at, self.marker_seq(board), drawn)

    def painted(self, n: int, applied_at: float, seq: int | None, drawn: bool) -> None:
        now = time.monotonic()
        self.emit(ev="applied", n=n, t_applied=applied_at, t_painted=now, seq=seq, drawn=drawn)
        if drawn and self.first_screen is None:
            self.first_screen = now
            self.emit(ev="first_screen", t=now, n=n)

    async def refreshed(self) -> float:
        import asyncio

        done: asyncio.Future[float] = asyncio.get_running_loop().create_future()

        def mark() -> None:
            if not done.done():
                done.set_result(time.monotonic())

        self.app.call_after_refresh(mark)
        return await done

    async def quiet(self) -> None:
        import asyncio

        while not self.app.settled:
            await asyncio.sleep(0.01)
        await self.refreshed()
        await asyncio.sleep(0.05)

    # Keys ------------------------------------------------------------------------------------

    def send_key(self, key: str) -> None:
        """What a terminal does: a Key event into the driver, which posts it to the app."""
        send_key(self.app, key)

    async def press(
        self, key: str, effect: Callable[[], bool], timeout: float = 120
    ) -> float | None:
        """ms from the key event to the screen refresh after its effect; None if it never came."""
        import asyncio

        await self.quiet()
        pressed = time.monotonic()
        self.send_key(key)
        while not effect():
            if time.monotonic() - pressed > timeout:
                return None
            await asyncio.sleep(0.0005)
        return (await self.refreshed() - pressed) * 1000

    def cursor(self) -> object:
        focused = self.app.focused
        for name in ("cursor_row", "highlighted", "cursor_coordinate"):
            if focused is not None and hasattr(focused, name):
                return (id(focused), getattr(focused, name))
        return None

    def needle(self) -> str:
        """A place name that many synthetic project names contain (a filter a person types)."""
        from board.store.demo import SYNTH_PLACES

        board = self.app.board
        assert board is not None
        names = [p.name for p in board.snapshot.projects]
        counts = {place: sum(place in n for n in names) for place in SYNTH_PLACES}
        best = max(counts, key=lambda p: counts[p])
        return best if counts[best] else (names[0][:1] if names else "区")

    async def keys(self) -> tuple[dict[str, list[float | None]], str]:
        app = self.app
        samples: dict[str, list[float | None]] = {
            "move": [],
            "filter": [],
            "detail": [],
            "back": [],
            "sprint": [],
        }
        overview = app.overview
        assert overview is not None
        await self.press("1", lambda: True)  # the projects panel has the focus
        for i in range(2 * self.key_rounds):
            before = self.cursor()
            samples["move"].append(
                await self.press(
                    "j" if i < self.key_rounds else "k",
                    lambda before=before: before is None or self.cursor() != before,  # type: ignore[misc]
                )
            )
        needle = self.needle()
        for _ in range(self.key_rounds):
            await self.press("slash", lambda: overview.filter_open)
            for k in range(1, len(needle) + 1):
                typed = needle[:k]
                samples["filter"].append(
                    await self.press(needle[k - 1], lambda typed=typed: app.state.text == typed)  # type: ignore[misc]
                )
            for k in range(len(needle) - 1, -1, -1):
                left = needle[:k]
                samples["filter"].append(
                    await self.press("backspace", lambda left=left: app.state.text == left)  # type: ignore[misc]
                )
            await self.press("enter", lambda: not overview.filter_open)
        for _ in range(self.key_rounds):
            depth = len(app.screen_stack)
            samples["detail"].append(
                await self.press("enter", lambda depth=depth: len(app.screen_stack) > depth)  # type: ignore[misc]
            )
            samples["back"].append(
                await self.press("escape", lambda depth=depth: len(app.screen_stack) == depth)  # type: ignore[misc]
            )
        from board.ui.screens.sprint import SprintScreen

        for _ in range(self.key_rounds):
            # 冲刺进度 (m): from the key until its chart is drawn (one aggregate query, a worker).
            depth, pressed = len(app.screen_stack), time.monotonic()
            samples["sprint"].append(
                await self.press(
                    "m",
                    lambda pressed=pressed: isinstance(app.screen, SprintScreen)  # type: ignore[misc]
                    and app.screen.trend_shown_at >= pressed,
                )
            )
            await self.press("escape", lambda depth=depth: len(app.screen_stack) == depth)  # type: ignore[misc]
        return samples, needle

    # What holds the memory ---------------------------------------------------------------------

    memory_base: Any = None

    def memory_top(self, limit: int = 25) -> list[str]:
        """With BOARD_BENCH_TRACEMALLOC set: the first call takes a baseline; each later one lists
        the allocation sites that grew most since it (tracemalloc, grouped by traceback)."""
        import gc
        import tracemalloc

        if not tracemalloc.is_tracing():
            return []
        gc.collect()
        snapshot = tracemalloc.take_snapshot().filter_traces(
            (tracemalloc.Filter(False, tracemalloc.__file__),)
        )
        if self.memory_base is None:
            self.memory_base = snapshot
            return []
        out: list[str] = []
        for stat in snapshot.compare_to(self.memory_base, "traceback")[:limit]:
            where = " < ".join(
                f"{f.filename.split('site-packages/')[-1]}:{f.lineno}"
                for f in list(stat.traceback)[-1:-7:-1]
            )
            out.append(f"{stat.size_diff / 1024:+.0f} KiB {stat.count_diff:+d} {where}")
        return out

    # The conversation with the parent --------------------------------------------------------

    async def run(self, _pilot: object) -> None:
        import asyncio

        from board.view.selections import select_projects

        app = self.app
        while self.first_screen is None or not app.settled:
            await asyncio.sleep(0.01)
        await self.refreshed()
        board = app.board
        assert board is not None
        top = select_projects(board, app.state)[0]  # the first row: always on screen
        self.marker_id = top.id
        self.emit(
            ev="ready",
            marker_id=top.id,
            base=MARKER.sub("", top.name),
            projects=len(board.snapshot.projects),
            pledges=len(board.snapshot.pledges),
        )
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str] = asyncio.Queue()

        def read_commands() -> None:
            with os.fdopen(self.commands_fd, "r", encoding="utf-8") as stream:
                for line in stream:
                    loop.call_soon_threadsafe(queue.put_nowait, line.strip())
            loop.call_soon_threadsafe(queue.put_nowait, "quit")

        threading.Thread(target=read_commands, daemon=True).start()
        while True:
            command = await queue.get()
            if command == "keys":
                profile = os.environ.get("BOARD_BENCH_CPROFILE")  # a file: profile the keys
                if profile:
                    import cProfile

                    profiler = cProfile.Profile()
                    profiler.enable()
                samples, needle = await self.keys()
                if profile:
                    profiler.disable()
                    profiler.dump_stats(profile)
                self.emit(ev="keys", samples=samples, needle=needle)
            elif command == "memory":
                self.emit(ev="memory", top=self.memory_top())
            elif command == "quit":
                break
        app.exit(0)

    commands_fd: int = -1


def child_main(argv: list[str]) -> int:
    """`python -m board.bench.probe DB TODAY EVENTS_FD COMMANDS_FD POLL KEY_ROUNDS LOG`."""
    began = time.monotonic()
    db, today, events_fd, commands_fd, poll, key_rounds, log = argv
    stream = os.fdopen(opened_pipe(events_fd, write=True), "w", encoding="utf-8", buffering=1)
    lock = threading.Lock()

    def emit(**event: Any) -> None:
        with lock, suppress(OSError, ValueError):
            stream.write(json.dumps(event, ensure_ascii=False) + "\n")

    emit(ev="process", t=began)
    if os.environ.get("BOARD_BENCH_TRACEMALLOC"):  # what holds the memory (slower: not for figures)
        import tracemalloc

        tracemalloc.start(12)
    from board.config import DisplayOptions
    from board.ui.app import BoardApp, start_log

    emit(ev="imported", t=time.monotonic())
    start_log(Path(log))  # the app's own read/build/apply timings, for the report
    options = DisplayOptions(today=date.fromisoformat(today), poll=poll == "1")
    from board.store.location import parse_where

    app = BoardApp(parse_where(db), options)  # a file, or a server's URL (bench/pg.py)
    probe = Probe(app, emit, int(key_rounds))
    probe.commands_fd = opened_pipe(commands_fd, write=False)
    app.run(headless=True, size=SCREEN_SIZE, auto_pilot=probe.run)
    emit(ev="exit", t=time.monotonic())
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
