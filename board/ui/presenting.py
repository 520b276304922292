"""The slideshow keys and timer of the app (presentation mode); the sequence is in slideshow.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

from board.i18n import t
from board.ui.screens.detail import DepartmentScreen
from board.ui.screens.red import RedProjectsScreen
from board.ui.widgets.bars import PresenterBar

if TYPE_CHECKING:
    from board.ui.app import BoardApp


class Presenting:
    """Mixed into BoardApp: `p`, the one-second tick, and "any key pauses"."""

    def _app(self) -> BoardApp:
        return self  # type: ignore[return-value]

    def action_present(self) -> None:
        app = self._app()
        if app.slideshow.running:
            app.slideshow.pause()
            app.slide_timer.pause()
            app.notify(t("present.paused"), timeout=2)
        else:
            app.slideshow.start(app.board)
            app.slide_timer.resume()
            app.notify(t("present.on"), timeout=1.5)
        app.render_slideshow()

    async def on_event(self, event: events.Event) -> None:
        app = self._app()
        # Any key pauses a running slideshow (p toggles it as usual).
        if isinstance(event, events.Key) and app.slideshow.running and event.key not in ("p",):
            app.slideshow.pause()
            app.slide_timer.pause()
            app.render_slideshow()
            app.notify(t("present.paused"), timeout=2)
            event.stop()
            return
        await super().on_event(event)  # type: ignore[misc]  # App's, next in the MRO

    def tick_slideshow(self) -> None:
        app = self._app()
        if not app.slideshow.running:
            return
        if app.slideshow.tick():
            app.show_page()
        app.render_slideshow()

    def show_page(self) -> None:
        app = self._app()
        board = app.board
        if board is None:
            return
        page = app.slideshow.current
        app.back_to_overview()
        if page.kind == "department" and page.ident in board.departments:
            app.push_screen(DepartmentScreen(board, app.theme_key, page.ident))
        elif page.kind == "red":
            app.push_screen(RedProjectsScreen(board, app.theme_key))

    def render_slideshow(self) -> None:
        app = self._app()
        message = app.slideshow.indicator()
        for bar in app.screen.query(PresenterBar):
            bar.say(message)
