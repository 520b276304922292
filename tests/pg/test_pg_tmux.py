"""End to end on a server database: `board demo --db URL`, the board in a real terminal (tmux),
a psql UPDATE from outside shown, and `q` ends it with status 0."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from board.store.location import ServerDb
from tests.conftest import TODAY
from tests.pg.conftest import admin_conninfo
from tests.system.test_e2e_tmux import Terminal, board_env

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None or shutil.which("psql") is None,
    reason="needs tmux and psql on PATH",
)
NEW_NAME = "服务器端到端项目"


def test_board_on_a_server_follows_psql_and_quits(pg_db: ServerDb, tmp_path: Path) -> None:
    url = pg_db.url.render_as_string(hide_password=False)
    day = TODAY.isoformat()
    built = subprocess.run(
        [sys.executable, "-m", "board", "demo", "--no-open", "--db", url, "--today", day],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, env=board_env(),
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    board = shlex.join([sys.executable, "-m", "board", "--db", url, "--today", day])
    terminal = Terminal()
    try:
        terminal.start(f"{board}; echo EXITED-$?; sleep 30", tmp_path)
        terminal.wait_until(lambda s: "距冬季停工" in s and "● 实时" in s, 15, "the live header")
        subprocess.run(
            ["psql", admin_conninfo(pg_db.name), "-qc",
             f"UPDATE projects SET name = '{NEW_NAME}' WHERE code = 'KF-01'"],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        terminal.wait_until(lambda s: NEW_NAME in s, 5, f"the new project name {NEW_NAME}")
        terminal.send("q")
        terminal.wait_until(lambda s: "EXITED-" in s, 10, "the board to exit")
        assert "EXITED-0" in terminal.last_screen and "Traceback" not in terminal.last_screen
    finally:
        terminal.close()
