"""The slideshow keys and timer of the app (presentation mode); the sequence is in slideshow.py."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.timer import Timer

from board.config import DisplayOptions
from board.i18n import t
from board.ui.screens.countdown import CountdownScreen
from board.ui.screens.department import DepartmentScreen
from board.ui.screens.detail import DetailScreen
from board.ui.screens.milestones import WeekMilestonesScreen
from board.ui.screens.red import RedProjectsScreen
from board.ui.screens.sprint import SprintScreen
from board.ui.widgets.bars import PresenterBar
from board.view.board import Board
from board.view.slideshow import Slideshow

SLIDE_PAGES: dict[str, type[DetailScreen]] = {
    "week": WeekMilestonesScreen,
    "sprint": SprintScreen,
    "countdown": CountdownScreen,
}


class Presenting(App[int]):
    """`p`, the one-second tick, and "any key pauses" (a room of BoardApp)."""

    # Given by BoardApp (the board by LiveRefresh); declared for the type checker.
    options: DisplayOptions
    board: Board | None
    theme_key: str

    if TYPE_CHECKING:

        @abstractmethod
        def back_to_overview(self) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.slideshow = Slideshow()
        self.slide_timer: Timer | None = None  # set on mount: a timer needs the running app

    def start_slide_clock(self) -> None:
        """On mount: the one-second tick, paused unless --present starts the slideshow, so an
        idle board wakes for nothing but the safety poll."""
        present = self.options.present
        self.slide_timer = self.set_interval(1.0, self.tick_slideshow, pause=not present)
        if present:
            self.slideshow.seconds = present
            self.slideshow.start(self.board)

    def pause_slideshow(self) -> None:
        self.slideshow.pause()
        if self.slide_timer is not None:
            self.slide_timer.pause()

    def action_present(self) -> None:
        if self.slideshow.running:
            self.pause_slideshow()
            self.notify(t("present.paused"), timeout=2)
        else:
            self.slideshow.start(self.board)
            if self.slide_timer is not None:
                self.slide_timer.resume()
            # Back on the page it stopped on (keys may have led elsewhere meanwhile), for a
            # whole turn, rather than jumping on from wherever the room is looking.
            self.show_page()
            self.notify(t("present.on"), timeout=1.5)
        self.render_slideshow()

    async def on_event(self, event: events.Event) -> None:
        # Any key pauses a running slideshow (p toggles it as usual).
        if isinstance(event, events.Key) and self.slideshow.running and event.key not in ("p",):
            self.pause_slideshow()
            self.render_slideshow()
            self.notify(t("present.paused"), timeout=2)
            event.stop()
            return
        await super().on_event(event)

    def tick_slideshow(self) -> None:
        if not self.slideshow.running:
            return
        if self.slideshow.tick():
            self.show_page()
        self.render_slideshow()

    def show_page(self) -> None:
        board = self.board
        if board is None:
            return
        page = self.slideshow.current
        self.back_to_overview()
        if page.kind == "department" and page.ident in board.departments:
            self.push_screen(DepartmentScreen(board, self.theme_key, page.ident))
        elif page.kind == "red":
            self.push_screen(RedProjectsScreen(board, self.theme_key))
        elif page.kind in SLIDE_PAGES:
            self.push_screen(SLIDE_PAGES[page.kind](board, self.theme_key))

    def render_slideshow(self) -> None:
        """The "next page" line on every screen, not just the one on top: a page left with Esc
        after a pause kept saying "下一页 · 1 秒" under the overview for good."""
        message = self.slideshow.indicator()
        for screen in self.screen_stack:
            for bar in screen.query(PresenterBar):
                bar.say(message)
