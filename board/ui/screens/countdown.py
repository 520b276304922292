"""The countdown the room reads from the back (key i, and a slideshow page): 距冬季停工 N 天
in big digits, and under it the headline figures, big where they fit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from board.domain.status import Light
from board.i18n import t
from board.ui.screens.detail import DetailScreen
from board.ui.widgets.bars import KeyBar, PresenterBar
from board.view.kpi import kpi
from board.view.milestones import week_count

FIGURES = ("red", "overdue", "week", "invest")


class CountdownScreen(DetailScreen):
    """Days to the winter shutdown, then 红灯项目 · 逾期表态 · 本周节点 · 年度投资完成 %."""

    DEFAULT_CSS = """
    CountdownScreen #countdown { height: 1fr; align: center middle; }
    CountdownScreen Digits { width: 100%; text-align: center; }
    CountdownScreen #countdown-days { margin: 1 0 2 0; }
    CountdownScreen .countdown-label { width: 100%; text-align: center; text-style: bold; }
    CountdownScreen #figures { height: auto; }
    CountdownScreen .figure { width: 1fr; height: auto; align: center top; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        with Vertical(id="countdown"):
            yield Static(classes="countdown-label", id="countdown-what")
            yield Digits("", id="countdown-days")
            with Horizontal(id="figures"):
                for key in FIGURES:
                    with Vertical(classes="figure"):
                        yield Digits("", id=f"figure-{key}")
                        yield Static(classes="countdown-label", id=f"label-{key}")
        yield Static(id="detail-body")  # unused here; the frame's refresh expects it
        yield PresenterBar()
        yield KeyBar()

    def render_board(self) -> None:
        board = self.board
        self.query_one("#detail-title", Static).update(Text(t("countdown.title"), style="bold"))
        season = board.snapshot.meta.season_end
        days = (season - board.today).days if season is not None else None
        what = (
            t("countdown.none")
            if days is None
            else t("countdown.past", days=-days)
            if days < 0
            else t("countdown.days")
        )
        self.query_one("#countdown-what", Static).update(Text(what))
        self.query_one("#countdown-days", Digits).update("" if days is None else str(max(days, 0)))
        figures = kpi(board)
        overdue = sum(1 for light in board.status.pledges.values() if light is Light.RED)
        share = f"{figures.done / figures.plan:.0%}" if figures.plan else "—"
        values = {
            "red": str(figures.lights.get(Light.RED, 0)),
            "overdue": str(overdue),
            "week": str(week_count(board)),
            "invest": share,
        }
        for key in FIGURES:
            self.query_one(f"#figure-{key}", Digits).update(values[key])
            self.query_one(f"#label-{key}", Static).update(Text(t(f"countdown.{key}")))

    def build(self) -> tuple[Text, Text]:  # the frame's, unused: render_board draws this page
        return Text(""), Text("")
