"""The board's Textual app: the coordinator's choices, the keys, and handing boards to the
screens. Its rooms are mixed in, each an `App` of its own that declares what it owns and what it
needs from here: live refresh (refresh.py), the slideshow (presenting.py), the edit keys
(editing.py); the panels are listed in panels.py.

Data flows one way: the watcher says "maybe changed" → a worker thread asks the store for a new
snapshot and computes its lights → the UI thread applies it to every panel in one batch. The UI
thread never waits on the file; a failed read keeps the last good board on screen with a banner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding

from board.config import DisplayOptions, keymap_path, read_keymap
from board.errors import BoardError
from board.i18n import t
from board.store.location import Where
from board.store.source import SnapshotSource
from board.ui.collector import IdleCollector, limit_malloc_arenas
from board.ui.commands import JumpProvider
from board.ui.editing import EDIT_ACTIONS, EDIT_BINDINGS, EditActions
from board.ui.history import HistoryReads, ZoneTrendLoaded
from board.ui.link import ServerLink
from board.ui.presenting import Presenting
from board.ui.refresh import LiveRefresh
from board.ui.screens.countdown import CountdownScreen
from board.ui.screens.department import DepartmentScreen
from board.ui.screens.detail import DetailScreen
from board.ui.screens.milestones import WeekMilestonesScreen
from board.ui.screens.modals import DepartmentPicker, HelpScreen
from board.ui.screens.overview import OverviewScreen
from board.ui.screens.project import ProjectScreen
from board.ui.screens.since import SinceScreen
from board.ui.screens.sprint import SprintScreen
from board.ui.textual_private import keys_for, start_installed_screen
from board.ui.themes import THEMES
from board.ui.widgets.header import BoardHeader, Freshness, KpiStrip
from board.view.selections import DEPARTMENT_ORDERS, LIGHT_FILTERS, PROJECT_SORTS, ViewState
from board.watch import DatabaseWatcher

if TYPE_CHECKING:  # psycopg is an extra: imported only for a server database
    from board.store.listen import ChangeListener

SAFETY_POLL_SECONDS = 5.0
# Pages of their own, by key and in the slideshow.
PAGES: dict[str, type[DetailScreen]] = {
    "week": WeekMilestonesScreen,
    "sprint": SprintScreen,
    "countdown": CountdownScreen,
}
OVERVIEW_ACTIONS = frozenset(
    {"filter", "light_filter", "sort", "department_order", "pick_department"}
)
SIGNAL_GRACE_SECONDS = 3.0
# The pages kept installed and shown again (see open_page and prepare_pages).
KEPT_PAGES: dict[str, type[ProjectScreen] | type[DepartmentScreen]] = {
    "project": ProjectScreen,
    "department": DepartmentScreen,
}


class BoardApp(LiveRefresh, ServerLink, Presenting, EditActions, HistoryReads):
    """调度看板."""

    CSS_PATH = "board.tcss"
    TITLE = "board"
    COMMANDS = App.COMMANDS | {JumpProvider}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar = [
        Binding("q", "quit", "key.quit", id="board.quit"),
        # In a terminal Ctrl+C arrives as a key, not SIGINT: it ends the board like q.
        Binding("ctrl+c", "quit", "key.quit", id="board.quit_ctrl_c", show=False, priority=True),
        Binding("question_mark", "help", "key.help", id="board.help"),
        Binding("slash", "filter", "key.filter", id="board.filter"),
        Binding("f", "light_filter", "key.light_filter", id="board.light_filter"),
        Binding("s", "sort", "key.sort", id="board.sort"),
        Binding("o", "department_order", "key.order", id="board.order"),
        Binding("d", "pick_department", "key.department", id="board.department"),
        Binding("p", "present", "key.present", id="board.present"),
        Binding("r", "reload", "key.reload", id="board.reload"),
        Binding("t", "cycle_theme", "key.theme", id="board.theme"),
        Binding("c", "since", "key.since", id="board.since"),
        Binding("w", "page('week')", "key.week", id="board.week"),
        Binding("m", "page('sprint')", "key.sprint", id="board.sprint"),
        Binding("i", "page('countdown')", "key.countdown", id="board.countdown"),
        Binding("ctrl+p", "command_palette", "key.palette", id="board.palette", show=False),
        *EDIT_BINDINGS,
    ]

    def __init__(
        self,
        db: Where,
        options: DisplayOptions | None = None,
        *,
        watch: bool = True,
        safety_poll: float = SAFETY_POLL_SECONDS,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()  # each room (refresh, slideshow, edits) sets up what it owns
        self.db = db
        self.options = options or DisplayOptions()
        self.watch_files = watch
        self.safety_poll = safety_poll
        self.clock = clock
        self.source = SnapshotSource(db)
        self.watcher: DatabaseWatcher | ChangeListener | None = None
        self.state = ViewState()
        self.fresh = Freshness(
            polling=self.options.poll, editing=self.options.edit, every=safety_poll
        )
        self.theme_key = self.options.theme
        self._signals: list[tuple[signal.Signals, signal._HANDLER]] = []
        limit_malloc_arenas()  # before the workers' threads allocate (see collector.py)
        self.collector = IdleCollector(self)
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = THEMES[self.theme_key].name

    # Start and stop -----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.collector.start()
        self.load_keymap()
        self.push_screen(OverviewScreen())
        if self.watch_files:
            self.watcher = self.start_watcher()
        self.set_interval(self.safety_poll, self.request_refresh)
        self.request_refresh(force=True)
        self.start_slide_clock()
        self.handle_signals()

    def handle_signals(self) -> None:
        """SIGTERM and SIGHUP (ssh dropped) end the board cleanly: terminal restored, watcher
        stopped, like `q`. A plain signal handler, not the event loop's: when the terminal is
        gone, Textual's output queue can wedge the loop, and the board must still end; if the
        clean exit has not happened after a grace period, the process leaves anyway. Windows has
        no SIGHUP (closing the console sends CTRL_CLOSE_EVENT, which `signal` never delivers)."""
        loop = asyncio.get_running_loop()

        def ended(signum: int, _frame: object) -> None:
            loop.call_soon_threadsafe(self.exit)
            fallback = threading.Timer(SIGNAL_GRACE_SECONDS, os._exit, args=(128 + signum,))
            fallback.daemon = True
            fallback.start()

        # Looked up at run time, not by platform, so a test can take SIGHUP away on Linux.
        hangup: signal.Signals | None = getattr(signal, "SIGHUP", None)
        for sig in (signal.SIGTERM, hangup):
            if sig is None:
                continue
            with contextlib.suppress(ValueError, OSError):  # not the main thread: no handlers
                self._signals.append((sig, signal.signal(sig, ended)))

    def on_unmount(self) -> None:
        for sig, previous in self._signals:
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(sig, previous if previous is not None else signal.SIG_DFL)
        if self.watcher is not None:
            self.watcher.stop()
        self.source.close()
        if self.writer is not None:
            self.writer.close()
        self.collector.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Edit keys exist only in --edit; elsewhere they are not bound at all. The overview's
        own keys (filters, sorts, the department pick) work on the overview only: on a page
        they acted on the overview hidden behind it."""
        if action in EDIT_ACTIONS:
            return self.options.edit
        if action in OVERVIEW_ACTIONS:
            return isinstance(self.screen, OverviewScreen)
        return True

    def load_keymap(self) -> None:
        path = keymap_path()
        try:
            keymap = read_keymap(path)
        except (OSError, tomllib.TOMLDecodeError, ValueError) as exc:
            self.notify(t("keymap.bad", path=path, detail=exc), severity="warning")
            return
        if keymap:
            self.set_keymap(keymap)

    # Rendering ----------------------------------------------------------------------------

    @property
    def overview(self) -> OverviewScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, OverviewScreen):
                return screen
        return None

    @property
    def drawable(self) -> OverviewScreen | None:
        """The overview, if it is mounted with its widgets (not being built or torn down)."""
        overview = self.overview
        if overview is None or not overview.is_mounted or not overview.query(BoardHeader):
            return None
        return overview

    def render_header(self) -> None:
        overview = self.drawable
        if overview is not None:
            overview.query_one(BoardHeader).show(self.board, self.fresh, self.theme_key)

    def render_banner(self) -> None:
        overview = self.drawable
        if overview is None:
            return
        when = self.last_good.strftime("%H:%M") if self.last_good else "--:--"
        lost = self.error is not None and self.error.kind in ("disconnected", "unreachable")
        if self.link_down or lost:
            overview.show_banner(t("banner.link_lost", time=when))
            return
        if self.error is None:
            # Damage the full check found stays said, under a board that still reads.
            overview.show_banner(self.damaged.message if self.damaged is not None else None)
            return
        if self.error.kind == "locked":
            message = t("banner.waiting", time=when)
        else:
            message = t("banner.stale", time=when, reason=self.error.message)
        overview.show_banner(message)

    def render_all(self) -> None:
        """Bring every panel and open screen up to `self.board`, in one batch."""
        overview = self.drawable
        board = self.board
        if overview is None or board is None:
            return
        family, state = self.theme_key, self.state
        with self.batch_update():
            overview.query_one(BoardHeader).show(board, self.fresh, family)
            overview.query_one(KpiStrip).show(board, family)
            for number, (spec, _widget, panel) in enumerate(overview.panels, start=1):
                panel.show(board, state, self.lit, family)
                overview.set_title(spec.name, panel.title(board, state, number, t(spec.title)))
            for screen in self.screen_stack:
                if isinstance(screen, DetailScreen):
                    screen.refresh_board(board, family)
            self.render_slideshow()
        self.collector.activity()

    # Keys -----------------------------------------------------------------------------------

    def set_state(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.render_all()

    def set_filter_text(self, text: str) -> None:
        if text != self.state.text:
            self.set_state(text=text)

    def clear_filters(self) -> None:
        overview = self.overview
        if overview is not None and overview.filter_open:
            overview.close_filter()
            self.set_state(text="")
        elif self.state.text:
            self.set_state(text="")
        elif self.state.department_id is not None:
            self.set_state(department_id=None)
        elif self.state.light_filter != "all":
            self.set_state(light_filter="all")

    def action_filter(self) -> None:
        if self.screen is self.overview and self.overview is not None:
            self.overview.open_filter()

    def action_light_filter(self) -> None:
        i = LIGHT_FILTERS.index(self.state.light_filter)
        self.set_state(light_filter=LIGHT_FILTERS[(i + 1) % len(LIGHT_FILTERS)])
        self.notify(t(f"lightfilter.{self.state.light_filter}"), timeout=1.5)

    def action_sort(self) -> None:
        i = PROJECT_SORTS.index(self.state.sort)
        self.set_state(sort=PROJECT_SORTS[(i + 1) % len(PROJECT_SORTS)])
        self.notify(t(f"sort.{self.state.sort}"), timeout=1.5)

    def action_department_order(self) -> None:
        i = DEPARTMENT_ORDERS.index(self.state.department_order)
        self.set_state(department_order=DEPARTMENT_ORDERS[(i + 1) % len(DEPARTMENT_ORDERS)])

    def action_pick_department(self) -> None:
        if self.board is None:
            return

        def picked(choice: int | None) -> None:
            if choice is not None:
                self.set_state(department_id=choice or None)

        self.push_screen(DepartmentPicker(self.board, self.state.department_id), picked)

    def action_reload(self) -> None:
        self.request_refresh(force=True)
        self.notify(t("reload.done"), timeout=1.0)

    def action_cycle_theme(self) -> None:
        keys = list(THEMES)
        self.theme_key = keys[(keys.index(self.theme_key) + 1) % len(keys)]
        self.theme = THEMES[self.theme_key].name
        self.render_all()
        self.notify(t("theme.changed", name=t(f"theme.name.{self.theme_key}")), timeout=1.5)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.help_rows()))

    def help_rows(self) -> list[tuple[str, str]]:
        """Every binding of the board, with the keys the keymap gives it now."""
        rows: list[tuple[str, str]] = [
            ("↑ ↓ j k", t("key.up") + " / " + t("key.down")),
            ("← → h l", t("key.side")),
            ("Enter", t("key.open")),
        ]
        seen: set[str] = set()
        for binding in [*OverviewScreen.BINDINGS, *self.BINDINGS]:
            if not isinstance(binding, Binding) or binding.id in seen:
                continue
            if binding.action in EDIT_ACTIONS and not self.options.edit:
                continue
            seen.add(binding.id or "")
            keys = keys_for(self, binding.id, binding.key) if binding.id else binding.key
            rows.append((self.get_key_display(Binding(keys, "")), t(binding.description)))
        rows.append(("q", t("help.quit_anywhere")))
        # What the figures mean: the light and the score of a department can differ on purpose.
        for label, key in (
            ("help.rule.score_label", "help.rule.score"),
            ("help.rule.light_label", "help.rule.dept_light"),
            ("help.rule.pledge_label", "help.rule.pledge"),
            ("help.rule.project_label", "help.rule.project"),
            ("help.rule.milestone_label", "help.rule.milestone"),
            ("help.rule.rates_label", "help.rule.rates"),
        ):
            rows.append((t(label), t(key)))
        return rows

    # Detail screens and jumps ---------------------------------------------------------------

    def open_project(self, project_id: int) -> None:
        self.open_page("project", project_id)

    def open_department(self, department_id: int) -> None:
        self.open_page("department", department_id)

    def prepare_pages(self) -> None:
        """Build the kept project and department pages while the board sits idle after its
        first screen, so that the first Enter shows a page instead of composing one (widgets,
        their styles, a stylesheet re-parse: ~70 ms at 300 projects, twice the later opens)."""
        board = self.board
        if board is None:
            return
        firsts = {
            "project": min(board.projects, default=None),
            "department": min(board.departments, default=None),
        }
        for name, kind in KEPT_PAGES.items():
            ident = firsts[name]
            if ident is None or self.is_screen_installed(name):
                continue
            page = kind(board, self.theme_key, ident)
            self.install_screen(page, name)
            # Textual starts an installed screen when it is first pushed; this is the step it
            # takes then, without showing the screen (a popped kept page is in the same state).
            start_installed_screen(self, name)
            page.call_after_refresh(page.arrange_unseen, self.size)

    def open_page(self, name: str, ident: int) -> None:
        """Push the project (or department) page. One screen of each kind is kept installed
        and shown again with another row: building one (widgets, styles) was a third of the
        time from Enter to the page on screen."""
        kind = KEPT_PAGES[name]
        if self.board is None:
            return
        if not self.is_screen_installed(name):
            self.install_screen(kind(self.board, self.theme_key, ident), name)
            self.push_screen(name)
            return
        kept = self.get_screen(name)
        if kept in self.screen_stack:  # already open further down: a page of its own
            self.push_screen(kind(self.board, self.theme_key, ident))
            return
        assert isinstance(kept, kind)
        kept.show(self.board, self.theme_key, ident)
        self.push_screen(name)

    def action_page(self, kind: str) -> None:
        """w, m, i: 本周节点, 冲刺进度, the countdown (the same key again goes back)."""
        screen_class = PAGES[kind]
        if isinstance(self.screen, screen_class):
            self.pop_screen()
        elif self.board is not None:
            self.push_screen(screen_class(self.board, self.theme_key))

    def on_zone_trend_loaded(self, message: ZoneTrendLoaded) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, SprintScreen):
                screen.show_trend(message.actual, message.expected, message.today)

    def action_since(self) -> None:
        if isinstance(self.screen, SinceScreen):
            self.pop_screen()
        elif self.board is not None:
            self.push_screen(SinceScreen(self.board, self.theme_key))

    def back_to_overview(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, OverviewScreen):
            self.pop_screen()

    def jump_to(self, kind: str, ident: int) -> None:
        """From the command palette: show the overview with that row under the cursor."""
        self.back_to_overview()
        overview = self.overview
        if overview is None:
            return
        if (
            self.state.department_id is not None
            or self.state.text
            or self.state.light_filter != "all"
        ):
            self.set_state(text="", department_id=None, light_filter="all")
        for index, (_spec, _widget, panel) in enumerate(overview.panels):
            if panel.kind == kind:  # the first panel that lists rows of this kind
                overview.focus_panel(index)
                panel.select_row(ident)
                return


def start_log(path: Path) -> None:
    """--log FILE: refresh timings and every fault, for an office to send when something
    looks wrong."""
    try:
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise BoardError(t("err.log", path=path, detail=exc.strerror), kind="value") from exc
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("board")
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def run_board(db: Where, options: DisplayOptions) -> int:
    """Run the board until the user quits; the exit code for the shell."""
    if options.log is not None:
        start_log(options.log)
    logging.getLogger("board").info("open %s options=%s", db, options)
    app = BoardApp(db, options)
    app.run()
    logging.getLogger("board").info("closed return_code=%s", app.return_code)
    return app.return_code or 0
