"""Reading history for the pages that draw it (冲刺进度, a project's 趋势), off the UI thread.

A trend is read only while a page shows it (the 冲刺进度 page; a project page when it is shown
and when its progress moves): a worker asks the store (a short read on a
connection of its own) and posts the points back; the page draws them. Nothing here runs on
an ordinary refresh unless such a page is open.
"""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import App
from textual.message import Message

from board.domain.trends import (
    Point,
    days_of,
    expected_for,
    expected_line,
    series,
    zone_progress,
)
from board.errors import BoardError
from board.store.history import daily_deltas, project_entries, read_once
from board.store.source import SnapshotSource
from board.ui.screens.project import ProjectScreen
from board.view.board import Board


class ZoneTrendLoaded(Message):
    """The zone's average progress so far and the 序时 line to the sprint's end."""

    def __init__(self, actual: list[Point], expected: list[Point], today: date) -> None:
        super().__init__()
        self.actual = actual
        self.expected = expected
        self.today = today


class ProjectTrendLoaded(Message):
    """One project's progress over the sprint so far and its 序时 line."""

    def __init__(self, project_id: int, actual: list[Point], expected: list[Point]) -> None:
        super().__init__()
        self.project_id = project_id
        self.actual = actual
        self.expected = expected


class HistoryReads(App[int]):
    """The trend workers (a room of BoardApp)."""

    source: SnapshotSource
    board: Board | None

    @work(thread=True, exclusive=True, exit_on_error=False, group="zone", description="zone")
    def read_zone_trend(self) -> None:
        board = self.board
        sprint = board.snapshot.sprint if board is not None else None
        if board is None or sprint is None:
            return
        today = min(board.today, sprint.ends_on)
        goals = [g for g in board.snapshot.goals.values() if g.target_progress is not None]
        if not goals:
            return
        try:
            deltas = read_once(
                self.source.path,
                lambda conn: daily_deltas(conn, "progress", sprint.starts_on, sprint.id),
            )
        except BoardError:
            return  # the refresh says what is wrong with the file; the chart waits
        now = [
            board.projects[g.project_id].progress for g in goals if g.project_id in board.projects
        ]
        actual = zone_progress(now, deltas, sprint.starts_on, today)
        expected = expected_line(goals, sprint, days_of(sprint.starts_on, sprint.ends_on))
        self.post_message(ZoneTrendLoaded(actual, expected, board.today))

    @work(thread=True, exclusive=True, exit_on_error=False, group="trend", description="trend")
    def read_project_trend(self, project_id: int) -> None:
        board = self.board
        sprint = board.snapshot.sprint if board is not None else None
        project = board.projects.get(project_id) if board is not None else None
        if board is None or sprint is None or project is None:
            return
        today = min(board.today, sprint.ends_on)
        try:
            logged = read_once(
                self.source.path, lambda conn: project_entries(conn, project_id, sprint.starts_on)
            )
        except BoardError:
            return
        actual = series(project.progress, logged["progress"], sprint.starts_on, today)
        goal = board.snapshot.goals.get(project_id)
        expected = (
            expected_for(goal, sprint, days_of(sprint.starts_on, sprint.ends_on)) if goal else []
        )
        self.post_message(ProjectTrendLoaded(project_id, actual, expected))

    def on_project_trend_loaded(self, message: ProjectTrendLoaded) -> None:
        """A project's 趋势 was read: the page that asked for it (if still open) draws it."""
        for screen in self.screen_stack:
            if isinstance(screen, ProjectScreen):
                screen.show_trend(message.project_id, message.actual, message.expected)
