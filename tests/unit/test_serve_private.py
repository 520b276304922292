"""What `board serve` takes from textual-serve beyond its public surface still exists and still
does what board relies on (board/serve/process.py, board/serve/static/page.js). textual-serve is
pinned exactly; an upgrade that moves one of these fails here, by name."""

from __future__ import annotations

import importlib.metadata
import inspect
from pathlib import Path

import pytest
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

import board
from board.serve import process

PACKAGE = Path(board.__file__).resolve().parent


def test_textual_serve_is_the_version_these_were_checked_against() -> None:
    assert importlib.metadata.version("textual-serve") == process.TEXTUAL_SERVE_VERSION
    pyproject = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"textual-serve=={process.TEXTUAL_SERVE_VERSION}"' in pyproject


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("_open_app_process", ["self", "width", "height"]),
        ("_build_environment", ["self", "width", "height"]),
        ("start", ["self", "width", "height"]),
        ("stop", ["self"]),
        ("run", ["self"]),
    ],
)
def test_app_service_methods_keep_their_signature(name: str, parameters: list[str]) -> None:
    method = getattr(AppService, name, None)
    assert method is not None, f"textual-serve no longer has AppService.{name}"
    assert list(inspect.signature(method).parameters) == parameters


def test_app_service_keeps_its_process_attributes() -> None:
    async def nothing(*_: object) -> None:
        return None

    service = AppService(
        "true",
        write_bytes=nothing,
        write_str=nothing,
        close=nothing,
        download_manager=DownloadManager(),
    )
    for name in ("_process", "_stdin", "_task"):
        assert hasattr(service, name), f"AppService no longer sets {name}"
    environment = service._build_environment(width=100, height=30)
    assert environment["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"
    assert (environment["COLUMNS"], environment["ROWS"]) == ("100", "30")
    source = inspect.getsource(AppService.run)
    assert "self._process" in source  # run() reads the process _open_app_process left there


def test_the_static_folder_still_holds_what_the_page_links() -> None:
    page = (PACKAGE / "serve" / "templates" / "page.html").read_text(encoding="utf-8")
    css = (PACKAGE / "serve" / "static" / "page.css").read_text(encoding="utf-8")
    for path in ("css/xterm.css", "js/textual.js"):
        assert f"static/ts/{path}" in page
        assert (process.STATIC / path).is_file(), path
    for font in ("RobotoMono-VariableFont_wght.ttf", "RobotoMono-Italic-VariableFont_wght.ttf"):
        assert f"../ts/fonts/{font}" in css
        assert (process.STATIC / "fonts" / font).is_file(), font


def test_the_page_script_still_works_as_page_js_expects() -> None:
    """page.js sets the socket's address, defers window.onload and watches the WebSocket the
    script opens; the @font-face rules name the font family the script asks xterm.js for."""
    script = (process.STATIC / "js" / "textual.js").read_text(encoding="utf-8")
    assert "window.onload=" in script
    assert "dataset.sessionWebsocketUrl" in script
    assert "dataset.fontSize" in script
    assert 'new WebSocket(this.websocket_url+"?width="' in script
    assert "fontFamily:\"'Roboto Mono'" in script
    assert '"ping"' in script and "case\"pong\"" in script


def test_no_other_module_uses_textual_serves_privates() -> None:
    private = ("._open_app_process", "._build_environment", "._process", "._stdin", "._task")
    offenders = []
    for path in (PACKAGE / "serve").rglob("*.py"):
        if path.name == "process.py":
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {p}" for p in private if p in text]
    assert offenders == []
