"""Shared fixtures: real demo databases in tmp_path, a second process that writes, and waits
bounded in time for what the board should show."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATION", "none")
os.environ.pop("BOARD_DB", None)
os.environ.pop("BOARD_LANG", None)
os.environ["BOARD_KEYMAP"] = "/nonexistent/board-keymap.toml"

TODAY = date(2026, 11, 29)
FIXED_NOW = datetime(2026, 11, 29, 9, 41, 0)


@pytest.fixture(autouse=True)
def chinese() -> None:
    """Every test starts in the default language."""
    from board.i18n import set_language

    set_language("zh-CN")


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    """The demo zone, built for TODAY, in a fresh file."""
    from board.store.demo import build_demo

    path = tmp_path / "demo.db"
    build_demo(path, TODAY)
    return path


def write_sql(db: Path, sql: str, journal: str | None = None) -> None:
    """Run `sql` against `db` from a second process with plain sqlite3 (no board code)."""
    script = (
        "import sqlite3, sys\n"
        "con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)\n"
        + (f"con.execute('PRAGMA journal_mode={journal}')\n" if journal else "")
        + "con.executescript(sys.argv[2])\n"
        "con.close()\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db), sql], check=True, timeout=30)


def make_app(db: Path, **kwargs: object) -> BoardApp:  # noqa: F821
    from board.cli import DisplayOptions
    from board.ui.app import BoardApp

    options = kwargs.pop("options", None) or DisplayOptions(today=TODAY)
    kwargs.setdefault("clock", lambda: FIXED_NOW)
    return BoardApp(db, options, **kwargs)  # type: ignore[arg-type]


async def wait_for(
    pilot: object, condition: Callable[[], bool], timeout: float = 5.0, what: str = ""
) -> None:
    """Let the app run until `condition()` holds; fail (with `what`) after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for: {what or condition}")
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def settle(pilot: object) -> None:
    """Wait for the first board to be loaded and drawn."""
    app = pilot.app  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: app.settled, what="first load")
    await pilot.pause()  # type: ignore[attr-defined]


def text_of(widget: object) -> str:
    """The plain text a Static shows (its content rendered by Rich, wide enough not to wrap)."""
    import io

    from rich.console import Console

    content = widget.content  # type: ignore[attr-defined]
    console = Console(width=400, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real `board` command in a child process, as a user runs it (no $BOARD_DB/$BOARD_LANG)."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOARD_DB", "BOARD_LANG")}
    return subprocess.run(
        [sys.executable, "-m", "board", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
