"""`board serve` in a real browser: Playwright drives Debian's Chromium (/usr/bin/chromium, never
a browser of Playwright's own) against a real `board serve` process.

A viewer opens the address with the token and sees the board in Chinese; a write from another
process shows in the browser; the server is stopped (its boards end with it) and started again,
and the page says 连接中断 · 正在重连, then shows the board again without a click. The board's
text is read from the WebSocket's frames replayed into pyte (xterm.js draws on a canvas).

One server, one browser and one page for the module, the tests in order: together ~15 s.
Outside CI, a machine without Chromium skips this module in one line; in CI it fails.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from board.i18n import zh_cn
from tests.conftest import TODAY, write_sql
from tests.system.serving import TOKEN, board_processes, free_port, wait_until_gone

CHROMIUM = Path("/usr/bin/chromium")
ZH = zh_cn.STRINGS


def missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return "Chromium not found at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
        import pyte  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install -e '.[test]')"
    return None


if (reason := missing_browser()) is not None:
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

import pyte  # noqa: E402
from playwright.sync_api import Page, WebSocket, sync_playwright  # noqa: E402


class Server:
    """`board serve` in a child process, stopped with SIGTERM as a service manager would."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db = db
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        command = [sys.executable, "-m", "board", "--today", TODAY.isoformat(), "serve"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--db", str(self.db), "--port", str(self.port), "--token", TOKEN],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}health?token={quote(TOKEN)}", timeout=2):
                    return
            except OSError:
                assert self.process.poll() is None, self.log.read_text()
                time.sleep(0.1)
        raise AssertionError(f"board serve did not answer: {self.log.read_text()}")

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


class Terminal:
    """The screen of the page's current WebSocket, replayed through pyte."""

    def __init__(self) -> None:
        self.screen: pyte.Screen | None = None
        self.sockets = 0

    def attach(self, websocket: WebSocket) -> None:
        query = parse_qs(urlsplit(websocket.url).query)
        screen = pyte.Screen(int(query["width"][0]), int(query["height"][0]))
        stream = pyte.ByteStream(screen)
        self.screen = screen
        self.sockets += 1

        def sent(payload: str | bytes) -> None:
            if isinstance(payload, str) and payload.startswith('["resize"'):
                size = json.loads(payload)[1]
                screen.resize(size["height"], size["width"])

        def received(payload: str | bytes) -> None:
            if isinstance(payload, bytes):
                stream.feed(payload)

        websocket.on("framesent", sent)
        websocket.on("framereceived", received)

    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen is not None else ""


def wait_until(page: Page, condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Let the browser run (it delivers the frames meanwhile) until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(100)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from board.store.demo import build_demo

    folder = tmp_path_factory.mktemp("serve")
    db = folder / "demo.db"
    build_demo(db, TODAY)
    server = Server(db, folder / "serve.log")
    server.start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--disable-gpu", "--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        terminal = Terminal()
        requests: list[str] = []
        page.on("websocket", terminal.attach)
        page.on("request", lambda request: requests.append(request.url))
        yield {
            "db": db,
            "server": server,
            "page": page,
            "terminal": terminal,
            "requests": requests,
            "folder": folder,
        }
        browser.close()
    if server.process is not None and server.process.poll() is None:
        server.stop()
    wait_until_gone(board_processes(db), db)


def test_the_board_in_chinese_with_the_token_then_its_cookie(served: dict[str, Any]) -> None:
    page, terminal, server = served["page"], served["terminal"], served["server"]
    page.goto(f"{server.base}?token={quote(TOKEN)}&fontsize=16")
    wait_until(page, lambda: "重点项目" in terminal.text(), "the board's projects panel")
    wait_until(page, lambda: "部门表态" in terminal.text(), "the departments panel")
    assert "token" not in page.url  # the address bar keeps no token
    cookie = next(c for c in page.context.cookies() if c["name"] == "board_token")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # Nothing was fetched from anywhere but this server.
    assert {urlsplit(url).netloc for url in served["requests"] if url.startswith("http")} == {
        f"127.0.0.1:{server.port}"
    }
    shot = served["folder"] / "board.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    assert len(board_processes(served["db"], server.process.pid)) == 1


def test_a_write_from_another_process_shows_in_the_browser(served: dict[str, Any]) -> None:
    page, terminal, db = served["page"], served["terminal"], served["db"]
    with sqlite3.connect(db) as con:
        names = [row[0] for row in con.execute("SELECT name FROM projects ORDER BY id")]
    shown = next(name for name in names if name[:6] in terminal.text())
    write_sql(db, f"UPDATE projects SET name = '浏览器里的新名' WHERE name = '{shown}'")
    wait_until(page, lambda: "浏览器里的新名" in terminal.text(), "the renamed project")


def test_the_page_comes_back_by_itself_after_a_server_restart(served: dict[str, Any]) -> None:
    page, terminal, server, db = (served[k] for k in ("page", "terminal", "server", "db"))
    boards = board_processes(db, server.process.pid)
    assert boards
    sockets = terminal.sockets
    assert server.stop() == 0
    assert wait_until_gone(boards, db) == set()  # the server's boards ended with it
    notice = page.locator("#notice")
    wait_until(page, lambda: notice.is_visible(), "the notice")
    assert notice.inner_text() == ZH["serve.page.reconnecting"]
    server.start()
    wait_until(
        page,
        lambda: terminal.sockets > sockets and "重点项目" in terminal.text(),
        "the board after the restart",
        timeout=45,
    )
    assert not notice.is_visible()
    assert "浏览器里的新名" in terminal.text()
    page.screenshot(path=str(served["folder"] / "back.png"))


def test_closing_the_tab_ends_its_board(served: dict[str, Any]) -> None:
    page, server, db = served["page"], served["server"], served["db"]
    boards = board_processes(db, server.process.pid)
    assert len(boards) == 1
    page.close()
    assert wait_until_gone(boards, db) == set()
    log = (served["folder"] / "serve.log").read_text(encoding="utf-8")
    assert "会话 1 开始：127.0.0.1" in log and "会话 1 结束：127.0.0.1" in log
