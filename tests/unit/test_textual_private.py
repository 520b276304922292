"""Every private Textual call board makes (board/ui/textual_private.py) still exists and still
does what board relies on. Textual is pinned exactly; an upgrade that breaks one of these
fails here, by name, instead of in front of the room."""

from __future__ import annotations

import importlib.metadata
import inspect
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widgets import Input, Static

import board
from board.ui import textual_private as tp

PACKAGE = Path(board.__file__).resolve().parent


def test_textual_is_the_version_these_were_checked_against() -> None:
    assert importlib.metadata.version("textual") == tp.TEXTUAL_VERSION
    pyproject = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"textual=={tp.TEXTUAL_VERSION}"' in pyproject


@pytest.mark.parametrize(
    ("owner", "name", "parameters"),
    [
        (ScrollView, "_scroll_update", ["self", "virtual_size"]),
        (Input, "_watch_value", ["self", "value"]),
        (Screen, "_refresh_layout", ["self", "size", "scroll"]),
        (App, "_get_screen", ["self", "screen"]),
    ],
)
def test_private_methods_keep_their_signature(
    owner: type, name: str, parameters: list[str]
) -> None:
    method = getattr(owner, name, None)
    assert method is not None, f"Textual no longer has {owner.__name__}.{name}"
    assert list(inspect.signature(method).parameters) == parameters


def test_key_helpers_still_name_keys_as_the_pilot_does() -> None:
    import unicodedata

    from textual.keys import _character_to_key, _get_unicode_name_from_key

    assert _character_to_key("/") == "slash"
    assert unicodedata.lookup(_get_unicode_name_from_key("question_mark")) == "?"


def test_no_other_module_uses_a_private_textual_name() -> None:
    """Only textual_private.py may reach past Textual's public API."""
    private = (
        "._scroll_update", "._watch_value", "._refresh_layout", "._get_screen", "._keymap",
        "._driver", "_character_to_key", "_get_unicode_name_from_key",
    )  # fmt: skip
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "textual_private.py":
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(PACKAGE)}: {p}" for p in private if p in text]
    assert offenders == []


class Probe(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("x")
        yield tp.QuietInput(id="line")


async def test_the_private_calls_work_in_a_running_app() -> None:
    app = Probe()
    async with app.run_test(size=(40, 10)) as pilot:
        # keys_for: the keymap Textual keeps privately.
        app.set_keymap({"demo.binding": "x"})
        assert tp.keys_for(app, "demo.binding", "q") == "x"
        assert tp.keys_for(app, "missing", "q") == "q"
        # update_scrollbars on a scroll view.
        view = ScrollView()
        await app.mount(view)
        tp.update_scrollbars(view, Size(10, 100))
        # arrange_hidden_screen and start_installed_screen on an installed screen.
        screen: Screen[None] = Screen()
        app.install_screen(screen, "kept")
        tp.start_installed_screen(app, "kept")
        assert screen.is_mounted or app.get_screen("kept") is screen
        tp.arrange_hidden_screen(screen, Size(40, 10))
        # QuietInput: a value change asks for no layout; send_key types into the focused line.
        line = app.query_one("#line", tp.QuietInput)
        line.focus()
        await pilot.pause()
        tp.send_key(app, "a")
        tp.send_key(app, "/")
        await pilot.pause()
        assert line.value == "a/"
