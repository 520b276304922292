"""End to end through a real terminal: `board` runs in tmux, another tool writes the file with
the sqlite3 command line, the screen follows, and `q` ends the program with status 0.

tmux runs on a private socket (its own server), so nothing of the user's tmux is touched, and
the server is killed at the end whatever happens.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import TODAY

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None or shutil.which("sqlite3") is None,
    reason="needs tmux and the sqlite3 command-line tool on PATH (CI installs both)",
)

COLUMNS, ROWS = 160, 48
NEW_NAME = "端到端测试项目"


def board_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOARD_DB", "BOARD_LANG", "TMUX")}
    env["BOARD_KEYMAP"] = "/nonexistent/board-keymap.toml"
    env["TERM"] = "xterm-256color"
    return env


class Terminal:
    """One tmux session on its own server."""

    def __init__(self) -> None:
        tag = f"board-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.socket = tag
        self.session = tag
        self.last_screen = ""
        self.socket_path = ""

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=check,
            env=board_env(),
        )

    def start(self, command: str, cwd: Path) -> None:
        self.tmux(
            "new-session", "-d", "-s", self.session, "-x", str(COLUMNS), "-y", str(ROWS),
            "-c", str(cwd), command,
        )  # fmt: skip
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").stdout.strip()

    def screen(self) -> str:
        self.last_screen = self.tmux("capture-pane", "-p", "-t", self.session).stdout
        return self.last_screen

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def wait_until(self, shown: Callable[[str], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not shown(self.screen()):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout:.0f} s waiting for {what}; the screen:\n"
                    + self.last_screen
                )
            time.sleep(0.1)

    def close(self) -> None:
        self.tmux("kill-session", "-t", self.session, check=False)
        self.tmux("kill-server", check=False)
        if self.socket_path:  # tmux leaves its socket file behind
            Path(self.socket_path).unlink(missing_ok=True)


def test_board_follows_a_sqlite3_write_and_quits(tmp_path: Path) -> None:
    db = tmp_path / "e2e.db"
    day = TODAY.isoformat()
    subprocess.run(
        [sys.executable, "-m", "board", "demo", "--no-open", "--db", str(db), "--today", day],
        check=True,
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
        env=board_env(),
    )
    board = shlex.join([sys.executable, "-m", "board", "--db", str(db), "--today", day])
    # After the board ends, say how it ended and keep the pane open to be read.
    command = f"{board}; echo EXITED-$?; sleep 30"

    terminal = Terminal()
    try:
        terminal.start(command, tmp_path)
        terminal.wait_until(lambda s: "距冬季停工" in s, 15, "the board's header")
        assert NEW_NAME not in terminal.last_screen

        subprocess.run(
            [
                "sqlite3", "-cmd", ".timeout 5000", str(db),
                f"UPDATE projects SET name='{NEW_NAME}' WHERE code='KF-01';",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )  # fmt: skip
        terminal.wait_until(lambda s: NEW_NAME in s, 10, f"the new project name {NEW_NAME}")

        terminal.send("q")
        terminal.wait_until(lambda s: "EXITED-" in s, 10, "the board to exit")
        assert "EXITED-0" in terminal.last_screen, terminal.last_screen
        assert "Traceback" not in terminal.last_screen, terminal.last_screen
    finally:
        terminal.close()
