"""`board serve`, the HTTP side, through aiohttp's test client against the real application:
the token and its cookie, the Origin check, the session cap, the static folder's walls, the page
that links nothing outside, and the refusals of the command itself.

The WebSocket tests start real boards (one process each, about a second) on a demo file; the
processes are looked for in /proc, the way `ps` would see them.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request
from yarl import URL

from board.i18n import en, zh_cn
from board.serve import access as access_module
from board.serve.access import COOKIE, Access
from board.serve.server import SESSIONS, make_app
from board.serve.settings import PageView, ServeSettings, board_argv
from tests.conftest import TODAY
from tests.system.serving import TOKEN, board_processes, free_port, gone_soon

ZH = zh_cn.STRINGS
WS = "/ws/zh-CN/default/0"


def settings_for(db: Path, **changes: object) -> ServeSettings:
    values: dict[str, object] = {"db": db, "token": TOKEN, "today": TODAY, **changes}
    return ServeSettings(**values)  # type: ignore[arg-type]


def client_for(settings: ServeSettings) -> TestClient[aiohttp.web.Request, aiohttp.web.Application]:
    return TestClient(TestServer(make_app(settings)))


def own_origin(client: TestClient[aiohttp.web.Request, aiohttp.web.Application]) -> str:
    return f"http://{client.server.host}:{client.server.port}"


async def log_in(client: TestClient[aiohttp.web.Request, aiohttp.web.Application]) -> None:
    response = await client.get("/", params={"token": TOKEN})
    assert response.status == 200  # the redirect was followed, with the cookie


async def first_bytes(websocket: aiohttp.ClientWebSocketResponse, timeout: float = 30.0) -> bytes:
    """The board's first screen bytes (it takes a second or so to start)."""
    async with asyncio.timeout(timeout):
        while True:
            message = await websocket.receive()
            if message.type == aiohttp.WSMsgType.BINARY and len(message.data) > 100:
                return bytes(message.data)
            assert message.type not in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


# --- the token ----------------------------------------------------------------------------------


async def test_every_request_but_static_assets_needs_the_token(demo_db: Path) -> None:
    async with client_for(settings_for(demo_db)) as client:
        for path in ("/", "/health", WS, "/download/abc", "/?fontsize=28"):
            response = await client.get(path)
            assert response.status == 401, path
        page = await (await client.get("/")).text()
        assert ZH["serve.page.unauthorized"] in page
        assert TOKEN not in page
        for path in ("/static/ts/js/textual.js", "/static/board/page.js"):
            assert (await client.get(path)).status == 200, path
        assert (await client.get("/?token=wrong")).status == 401
        assert (await client.get("/", params={"token": TOKEN[:-1]})).status == 401
        assert not client.session.cookie_jar.filter_cookies(client.make_url("/"))


async def test_the_token_once_then_an_httponly_strict_cookie(demo_db: Path) -> None:
    async with client_for(settings_for(demo_db)) as client:
        response = await client.get(
            "/", params={"token": TOKEN, "fontsize": "28"}, allow_redirects=False
        )
        assert response.status == 303
        assert response.headers["Location"] == "?fontsize=28"  # the token leaves the address
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"{COOKIE}=")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert TOKEN not in cookie  # an HMAC of the token, not the token
        page = await client.get("/?fontsize=28")
        assert page.status == 200
        assert 'data-font-size="28"' in await page.text()
        assert (await client.get("/health")).status == 200
    # The same cookie against a server with another token is refused.
    async with client_for(settings_for(demo_db, token="another-token")) as client:
        client.session.cookie_jar.update_cookies({COOKIE: cookie.split(";")[0].split("=")[1]})
        assert (await client.get("/")).status == 401


async def test_tokens_and_cookies_are_compared_in_constant_time(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = access_module.hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(access_module.hmac, "compare_digest", recording)
    async with client_for(settings_for(demo_db)) as client:
        await client.get("/?token=wrong")
        await log_in(client)
    assert (b"wrong", TOKEN.encode()) in compared
    assert len(compared) >= 3  # the wrong token, the right one, then the cookie


async def test_a_board_without_a_token_on_loopback_is_open(demo_db: Path) -> None:
    async with client_for(settings_for(demo_db, token=None)) as client:
        assert (await client.get("/")).status == 200
        assert (await client.get("/health")).status == 200


# --- the page -------------------------------------------------------------------------------------


async def test_the_page_links_nothing_outside_and_finds_cjk_fonts(demo_db: Path) -> None:
    async with client_for(settings_for(demo_db)) as client:
        await log_in(client)
        page = await (await client.get("/?lang=en&theme=contrast&present=15")).text()
        css = await (await client.get("/static/board/page.css")).text()
        script = await (await client.get("/static/board/page.js")).text()
    for text in (page, css, script):
        assert not re.search(r"(https?:)?//[a-z0-9]", text.replace("data:,", "")), text[:200]
        assert "googleapis" not in text
    links = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert links and all(link.startswith("static/") or link == "data:," for link in links)
    for font in ("Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC"):
        assert font in css
    assert 'lang="en"' in page
    assert 'data-socket-path="ws/en/contrast/15"' in page
    assert en.STRINGS["serve.page.reconnecting"] in page


def test_a_tabs_wishes_are_checked_before_they_reach_the_board(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "x.db")
    view = PageView.from_query(
        {"fontsize": "28; rm -rf /", "lang": "$(id)", "theme": "x", "present": "1"}, settings
    )
    assert view == PageView()
    assert PageView.from_query({"fontsize": "28", "present": "15"}, settings).present == 15
    assert PageView.from_socket_path("zh-CN", "default;id", "0") is None
    assert PageView.from_socket_path("en", "contrast", "2") is None
    argv = board_argv(settings, PageView(lang="en", theme="contrast", present=15))
    assert argv == [
        *settings.command, "--db", str(settings.db), "--lang", "en", "--theme", "contrast",
        "--present", "15", "--today", TODAY.isoformat(),
    ]  # fmt: skip
    assert "--edit" not in argv


# --- the static folder ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/static/ts/../server.py",
        "/static/ts/%2e%2e/server.py",
        "/static/ts/..%2fserver.py",
        "/static/ts/%2e%2e%2fapp_service.py",
        "/static/board/../page.py",
        "/static/board/%2e%2e/templates/page.html",
        "/static/ts//etc/passwd",
        "/static/ts/%2fetc%2fpasswd",
        "/static/ts/",
    ],
)
async def test_no_path_outside_the_static_folders(demo_db: Path, path: str) -> None:
    async with client_for(settings_for(demo_db)) as client:
        response = await client.get(URL(path, encoded=True))
        body = await response.text()
    assert response.status in (403, 404), (path, response.status)
    assert "import " not in body and "root:" not in body and "<html" not in body.lower()


# --- the WebSocket --------------------------------------------------------------------------------


def test_origin_is_checked_against_the_pages_own_host() -> None:
    access = Access(TOKEN, frozenset({"https://dp.example.cn", "https://board.example.cn"}))

    def allowed(origin: str | None, host: str = "board.local:8000") -> bool:
        headers = {"Host": host, **({"Origin": origin} if origin else {})}
        return access.origin_allowed(make_mocked_request("GET", WS, headers=headers))

    assert allowed("http://board.local:8000")
    assert allowed("https://board.local:8000")
    assert allowed("https://dp.example.cn")
    assert not allowed("http://board.local")  # another port is another origin
    assert not allowed("http://evil.example")
    assert not allowed("http://board.local:8000.evil.example")
    assert not allowed("null")
    assert not allowed(None)


async def test_a_websocket_from_a_foreign_page_gets_403(demo_db: Path) -> None:
    async with client_for(settings_for(demo_db)) as client:
        await log_in(client)
        for origin in ("http://evil.example", None):
            headers = {"Origin": origin} if origin else {}
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(WS, headers=headers)
            assert refused.value.status == 403
        assert client.server.app[SESSIONS].started == 0  # no board was started for them
        # Without the cookie, even from the right origin: 401.
        client.session.cookie_jar.clear()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(WS, headers={"Origin": own_origin(client)})
        assert refused.value.status == 401


async def test_sessions_are_capped_logged_and_end_with_their_socket(
    demo_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="board.serve")
    async with client_for(settings_for(demo_db, max_sessions=1)) as client:
        await log_in(client)
        origin = {"Origin": own_origin(client)}
        first = await client.ws_connect(WS + "?width=100&height=30", headers=origin)
        await first_bytes(first)
        boards = board_processes(demo_db)
        assert len(boards) == 1
        # One more: a clear page, a 503 on the socket, and no second board.
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(WS, headers=origin)
        assert refused.value.status == 503
        full = await client.get("/")
        assert full.status == 503
        assert ZH["serve.page.full"] in await full.text()
        assert (await client.get("/health")).status == 503
        assert board_processes(demo_db) == boards
        # The socket closes: its board ends, no orphan.
        await first.close()
        assert await gone_soon(boards, demo_db) == set()
        assert (await client.get("/health")).status == 200
        # A board still running when the server stops ends with it.
        second = await client.ws_connect(WS, headers=origin)
        await first_bytes(second)
        running = board_processes(demo_db)
        assert len(running) == 1
    assert await gone_soon(running, demo_db) == set()
    lines = [r.getMessage() for r in caplog.records if r.name == "board.serve"]
    assert any(line.startswith("会话 1 开始：127.0.0.1，") for line in lines), lines
    assert any(line.startswith("会话 1 结束：127.0.0.1，") and "→" in line for line in lines)
    assert any("已达最大连接数 1" in line for line in lines)
    assert any(line.startswith("会话 2 结束") for line in lines)


async def test_a_tab_asks_for_english_and_gets_an_english_board(demo_db: Path) -> None:
    import pyte

    async with client_for(settings_for(demo_db)) as client:
        await log_in(client)
        page = await (await client.get("/?lang=en&theme=contrast")).text()
        path = re.search(r'data-socket-path="([^"]+)"', page)
        assert path is not None
        websocket = await client.ws_connect(
            f"/{path.group(1)}?width=160&height=45", headers={"Origin": own_origin(client)}
        )
        screen = pyte.Screen(160, 45)
        stream = pyte.ByteStream(screen)
        async with asyncio.timeout(30):
            while "days to winter shutdown" not in "\n".join(screen.display):
                message = await websocket.receive()
                assert message.type == aiohttp.WSMsgType.BINARY, message
                stream.feed(message.data)
        await websocket.close()


# --- the command's refusals -----------------------------------------------------------------------


def serve_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "board", "serve", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--host", "0.0.0.0"], "--token"),
        (["--host", "192.0.2.10"], "--token"),
        (["--host", "board.example.cn"], "--token"),
        (["--edit"], "--edit"),
        (["--token", "t0ken-long-enough", "--certfile", "cert.pem"], "--keyfile"),
        (["--token-file", "missing.txt"], "missing.txt"),
        (["--token", "   "], "--token"),
        (["--token", "abc", "--allow-origin", "dp.example.cn"], "dp.example.cn"),
        (["--port", "70000"], "65535"),
    ],
)
def test_the_command_refuses_in_one_line(
    demo_db: Path, tmp_path: Path, args: list[str], words: str
) -> None:
    result = serve_command("--db", str(demo_db), "--port", "1", *args, cwd=tmp_path)
    # (port 1 is never reached: each refusal comes before anything listens)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_one_line_and_no_greeting(demo_db: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = serve_command("--db", str(demo_db), "--port", port, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and port in lines[0], result.stderr
    assert ZH["serve.started"].split("：")[0] not in result.stderr + result.stdout


def test_the_help_is_in_the_board_language(tmp_path: Path) -> None:
    result = serve_command("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert ZH["help.cmd.serve"][:10] in result.stdout
    assert ZH["help.serve.token_file"] in result.stdout


# --- a server that is killed -----------------------------------------------------------------


async def test_boards_end_when_their_server_is_killed(demo_db: Path, tmp_path: Path) -> None:
    """SIGKILL leaves the server no time to end its boards: they must see it and go."""
    if not sys.platform.startswith("linux"):
        pytest.skip("SIGKILL and /proc")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "board", "serve", "--db", str(demo_db), "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    try:
        async with aiohttp.ClientSession() as client:
            base = f"http://127.0.0.1:{port}"
            async with asyncio.timeout(30):
                while True:
                    try:
                        async with client.get(f"{base}/health") as response:
                            if response.status == 200:
                                break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.1)
            websocket = await client.ws_connect(f"{base}{WS}", headers={"Origin": base})
            await first_bytes(websocket)
            boards = board_processes(demo_db, server.pid)
            assert len(boards) == 1
            server.kill()
            server.wait(timeout=10)
            assert await gone_soon(boards, demo_db) == set()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
