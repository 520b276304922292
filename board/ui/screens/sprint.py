"""冲刺进度 (key m, and a slideshow page): the zone's average progress against the 序时 line,
from the sprint's first day to the winter shutdown, with today marked.

Drawn with textual-plotext (plotext in a Textual widget). The points come from the change log
through one aggregate query, read in a worker when the page opens and after each refresh.
"""

from __future__ import annotations

import time
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static
from textual_plotext import PlotextPlot

from board.domain.trends import Point
from board.i18n import t
from board.ui.screens.detail import DetailScreen
from board.ui.widgets.bars import KeyBar, PresenterBar


class SprintScreen(DetailScreen):
    """The sprint's line, actual against 序时."""

    DEFAULT_CSS = """
    SprintScreen PlotextPlot { height: 1fr; }
    SprintScreen #sprint-summary { height: auto; padding: 0 1; }
    """

    # When the chart was last drawn (time.monotonic()): the bench times the key to it.
    trend_shown_at = 0.0

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield PlotextPlot(id="sprint-plot")
        yield Static(id="sprint-summary")
        yield Static(id="detail-body")  # unused here; the frame's refresh expects it
        yield PresenterBar()
        yield KeyBar()

    def render_board(self) -> None:
        board = self.board
        sprint = board.snapshot.sprint
        title = Text(t("sprint.title"), style="bold")
        if sprint is not None:
            title.append(
                "  " + t("sprint.span", start=sprint.starts_on, end=sprint.ends_on), style="dim"
            )
        self.query_one("#detail-title", Static).update(title)
        if sprint is None:
            self.query_one("#sprint-summary", Static).update(Text(t("sprint.none"), style="dim"))
            return
        read = getattr(self.app, "read_zone_trend", None)
        if callable(read):
            read()

    def show_trend(self, actual: list[Point], expected: list[Point], today: date) -> None:
        """Draw the points a worker read (see board.ui.history)."""
        if not self.composed:
            return
        sprint = self.board.snapshot.sprint
        if sprint is None or not expected:
            return
        start = sprint.starts_on
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        x_expected = [(p.day - start).days for p in expected]
        # No words inside the plot: plotext counts a CJK character as one cell and the frame
        # breaks; the legend and "today" are said in the line under it.
        plt.plot(x_expected, [p.value for p in expected], marker="dot")
        if actual:
            plt.plot([(p.day - start).days for p in actual], [p.value for p in actual], marker="hd")
        plt.vertical_line((today - start).days)
        ticks = [0.0, float((today - start).days), float((sprint.ends_on - start).days)]
        plt.xticks(ticks, [day.strftime("%m-%d") for day in (start, today, sprint.ends_on)])
        plt.ylim(0, 100)
        plot.refresh()
        now = actual[-1].value if actual else None
        due = next((p.value for p in expected if p.day >= today), expected[-1].value)
        summary = Text()
        summary.append(t("sprint.legend", today=today.strftime("%m-%d")) + "\n", style="dim")
        if now is not None:
            gap = now - due
            key = "sprint.ahead" if gap >= 0 else "sprint.behind"
            summary.append(
                t("sprint.summary", actual=f"{now:.0f}", expected=f"{due:.0f}") + " · ",
            )
            summary.append(t(key, points=f"{abs(gap):.0f}"), style="bold")
        self.query_one("#sprint-summary", Static).update(summary)
        self.trend_shown_at = time.monotonic()

    def build(self) -> tuple[Text, Text]:  # the frame's, unused: render_board draws this page
        return Text(""), Text("")
