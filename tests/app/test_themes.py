"""Themes: switching with `t` gives exactly the screen that starting with that theme gives, and
the toast names the theme in the UI language."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from board.config import THEME_NAMES, DisplayOptions
from board.i18n import t
from tests.conftest import TODAY, make_app, settle, wait_for


async def screenshot(db: Path, theme: str, presses: int) -> tuple[str, list[str]]:
    """The screen of a board started with `theme`, after `t` pressed `presses` times."""
    app = make_app(db, options=DisplayOptions(today=TODAY, theme=theme))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        app.render_all()
        await pilot.pause()
        shown: list[str] = []
        for _ in range(presses):
            await pilot.press("t")
            await wait_for(pilot, lambda: bool(toasts(app)), what="the toast")
            shown += toasts(app)
            app.clear_notifications()
            await wait_for(pilot, lambda: not toasts(app), what="the toast gone")
        await pilot.pause()
        return app.export_screenshot(), shown


def toasts(app: App[None]) -> list[str]:
    """The text of the toasts on screen."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


@pytest.mark.parametrize("target", ["contrast", "light"])
async def test_switching_theme_equals_starting_with_it(demo_db: Path, target: str) -> None:
    presses = THEME_NAMES.index(target)  # from the default, `t` goes through them in order
    switched, shown = await screenshot(demo_db, "default", presses)
    started, _ = await screenshot(demo_db, target, 0)
    assert switched == started
    # The toast names the theme in the UI language, not by its internal name.
    assert shown[-1] == t("theme.changed", name=t(f"theme.name.{target}"))
    assert target not in shown[-1]
