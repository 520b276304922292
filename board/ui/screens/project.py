"""The project page (Enter on a project): stages planned vs actual, the sprint goal with
序时进度 and its 趋势 line, the milestone timeline (关键节点), people, money, blockers, the
pledges naming it, and its recent changes.

The 趋势 line is history: it is read in a worker when the page is shown (board.ui.history),
never while it is built, so the page appears at once and the line fills in.
"""

from __future__ import annotations

from datetime import date

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from board.domain.codes import STAGES
from board.domain.snapshot import Project
from board.domain.trends import Point
from board.i18n import t
from board.ui.columns import KEEP, AlignedRows, Column
from board.ui.screens.detail import DetailScreen, plain, section
from board.ui.screens.rows import blocker_rows, change_rows, milestone_rows, pledge_rows
from board.ui.text import light_text
from board.ui.widgets.bars import KeyBar, PresenterBar
from board.ui.widgets.rowlist import RowList
from board.view.board import Board
from board.view.words import clean, money, pipeline, progress_bar

CHANGES_SHOWN = 12
# The edit keys that act on this page, for its key bar in --edit (help lists them all).
EDIT_HINTS = (("M", "key.add_milestone"), ("x", "key.done_short"), ("u", "key.edit_due"))


class MilestoneList(RowList):
    """The project's milestones by due date; in edit mode the one under the cursor is what
    x (done) and u (deadline) act on."""

    def milestone_id_at_cursor(self) -> int | None:
        card_id = self.highlighted_id
        if card_id is None or not card_id.startswith("milestone-"):
            return None
        return int(card_id.removeprefix("milestone-"))


class ProjectScreen(DetailScreen):
    """One project, live."""

    EDIT_HINTS = EDIT_HINTS
    DEFAULT_CSS = """
    ProjectScreen #detail-head { padding: 0 1; }
    ProjectScreen #trend { height: 1; padding: 0 1; display: none; }
    ProjectScreen #trend.-on { display: block; }
    ProjectScreen #trend-label { width: auto; text-style: bold; }
    ProjectScreen #trend-line { width: 1fr; max-width: 48; margin: 0 2; visibility: hidden; }
    ProjectScreen #trend-line.-on { visibility: visible; }
    ProjectScreen #trend-text { width: 1fr; min-width: 40; }
    """

    def __init__(self, board: Board, family: str, project_id: int) -> None:
        super().__init__(board, family)
        self.project_id = project_id
        self.trend_asked: tuple[object, ...] | None = None  # what the last trend read was for
        self.trend_for: int | None = None  # the project whose trend is drawn

    @property
    def ident(self) -> int:
        return self.project_id

    @ident.setter
    def ident(self, value: int) -> None:
        if value != self.project_id:
            self.trend_asked = None
        self.project_id = value

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        with VerticalScroll(id="detail-scroll"):
            yield Static(id="detail-head")
            with Horizontal(id="trend"):
                yield Static(Text(t("trend.label")), id="trend-label")
                yield Sparkline([], id="trend-line")
                yield Static(id="trend-text")
            yield MilestoneList(id="milestones")
            yield Static(id="detail-body")
        yield PresenterBar()
        yield KeyBar()

    def on_mount(self) -> None:
        # The milestone cursor is for the edit keys: a display only reads (j/k scroll the page).
        if not getattr(getattr(self.app, "options", None), "edit", False):
            self.query_one(MilestoneList).can_focus = False
        super().on_mount()

    def on_screen_resume(self) -> None:
        if getattr(getattr(self.app, "options", None), "edit", False):
            self.query_one(MilestoneList).focus()
        # After the page is painted: Enter shows the page, the trend follows.
        self.call_after_refresh(self.ask_trend, True)

    @property
    def composed(self) -> bool:
        return super().composed and bool(self.query("#milestones"))

    def edit_target(self, focused: Widget | None) -> tuple[str, int] | None:
        """The milestone under the cursor when the timeline has the focus, else the project."""
        milestones = self.query_one(MilestoneList)
        ident = milestones.milestone_id_at_cursor()
        if ident is not None and focused is milestones:
            return ("milestone", ident)
        return ("project", self.project_id)

    # Drawing -------------------------------------------------------------------------------

    def render_board(self) -> None:
        board = self.board
        project = board.projects.get(self.project_id)
        title = self.query_one("#detail-title", Static)
        head = self.query_one("#detail-head", Static)
        timeline = self.query_one(MilestoneList)
        body = self.query_one("#detail-body", Static)
        if project is None:
            title.update(Text(t("detail.gone_project"), style="bold"))
            head.update(Text(t("detail.back")))
            body.update("")
            timeline.show_cards([])
            self.query_one("#trend").set_class(False, "-on")
            return
        title.update(self.title_line(project))
        head.update(self.head(project))
        rows = milestone_rows(
            board, board.status.milestones_by_project.get(project.id, ()), self.family, "project"
        )
        timeline.show_cards(rows.cards(timeline.text_width, section(t("detail.milestones"))))
        body.update(self.body(project))
        self.query_one("#trend").set_class(board.snapshot.sprint is not None, "-on")
        if self.trend_for != project.id:  # the kept page showed another project's line
            self.trend_for = project.id
            line = self.query_one("#trend-line", Sparkline)
            line.data = []
            line.set_class(False, "-on")
            words = self.query_one("#trend-text", Static)
            words.update(Text(t("trend.reading"), style="dim"), layout=False)
        if self.is_current:
            self.ask_trend()

    def title_line(self, project: Project) -> Text:
        status = self.board.status.projects[project.id]
        title = Text()
        title.append_text(light_text(status.light, self.family))
        title.append(f"  {clean(project.name)}  ")
        title.append(f"{clean(project.code)} · {t(f'category.{project.category}')} · ", style="dim")
        title.append(f"{pipeline(project.stage)} {t(f'stage.{project.stage}')}")
        return title

    def head(self, project: Project) -> RenderableType:
        """Why its light, its stages, its sprint goal with 序时进度 (the 趋势 line follows)."""
        board = self.board
        status = board.status.projects[project.id]
        parts: list[RenderableType] = []
        if status.reasons:
            parts.append(section(t("detail.reasons")))
            parts.append(Text("；".join(t(f"reason.{r}") for r in status.reasons)))
        if project.problems:
            parts.append(Text(t("bad.value") + "：" + ", ".join(project.problems), style="bold"))
        parts.append(section(t("detail.stages")))
        planned = {"started": project.planned_start_on, "completed": project.planned_complete_on}
        stages = []
        for stage in STAGES:
            plan, actual = planned.get(stage), project.stage_date(stage)
            stages.append(
                (
                    Text(t(f"stage.{stage}")),
                    Text(plan.isoformat() if plan else "—"),
                    Text(actual.isoformat() if actual else "—"),
                )
            )
        header = (Text(""), Text(t("detail.planned")), Text(t("detail.actual")))
        parts.append(AlignedRows(stages, (KEEP, KEEP, KEEP), header))

        goal = board.snapshot.goals.get(project.id)
        sprint = board.snapshot.sprint
        parts.append(section(t("detail.sprint") + (f"（{clean(sprint.name)}）" if sprint else "")))
        if goal is None:
            parts.append(Text(t("detail.none"), style="dim"))
        else:
            if goal.target_note:
                parts.append(Text(clean(goal.target_note), style="bold"))
            bits = []
            if goal.target_stage:
                bits.append(f"{t('col.stage')}: {t(f'stage.{goal.target_stage}')}")
            if goal.target_progress is not None:
                bits.append(f"{t('col.progress')}: {goal.target_progress}%")
            if goal.target_investment is not None:
                bits.append(f"{t('detail.investment')}: {money(goal.target_investment)}")
            parts.append(Text(" · ".join(bits)))
            if status.expected is not None:
                line = t(
                    "detail.expected", expected=f"{status.expected:.0f}", actual=project.progress
                )
                behind = status.behind or 0.0
                key = "detail.behind" if behind > 0 else "detail.ahead"
                line += " · " + t(key, points=f"{abs(behind):.0f}")
                parts.append(Text(line))
        parts.append(Text(progress_bar(project.progress, 20)))
        return Group(*parts)

    def body(self, project: Project) -> RenderableType:
        """Below the timeline: the progress note, people, money, blockers, pledges, changes."""
        board = self.board
        parts: list[RenderableType] = [section(t("detail.note")), plain(project.progress_note)]
        parts.append(section(t("detail.people")))
        people = [
            (Text(t(key), style="dim"), plain(value))
            for key, value in (
                ("detail.lead", board.department_name(project.lead_department_id)),
                ("detail.responsible", project.responsible),
                ("detail.leader", project.leader),
                ("detail.owner", project.owner),
                ("detail.location", project.location),
            )
        ]
        parts.append(AlignedRows(people, (KEEP, Column(wrap=True))))
        parts.append(section(t("detail.investment")))
        parts.append(
            Text(
                f"{t('detail.total')} {money(project.total_investment)} · "
                f"{t('detail.year_plan')} {money(project.year_plan_investment)} · "
                f"{t('detail.year_done')} {money(project.year_done_investment)}"
            )
        )
        blockers = [b for b in board.snapshot.blockers if b.project_id == project.id]
        parts.append(section(t("detail.blockers")))
        parts.append(blocker_rows(board, blockers, self.family, "project").table())
        parts.append(section(t("detail.pledges")))
        pledges = board.pledges_by_project.get(project.id, [])
        parts.append(pledge_rows(board, pledges, self.family, "project").table())
        parts.append(section(t("detail.changes")))
        changes = [
            c
            for c in board.snapshot.changes
            if c.table_name == "projects" and c.row_id == project.id
        ][-CHANGES_SHOWN:]
        parts.append(change_rows(changes).table())
        return Group(*parts)

    def build(self) -> tuple[Text, RenderableType]:  # the frame's; render_board draws this page
        return Text(""), Text("")

    # 趋势 --------------------------------------------------------------------------------------

    def ask_trend(self, force: bool = False) -> None:
        """Ask for the trend when the page is shown, and again when the project's figures
        moved (a write anyone made adds a point); a read in a worker (board.ui.history)."""
        board = self.board
        project = board.projects.get(self.project_id)
        if project is None or board.snapshot.sprint is None:
            return
        asked = (project.id, project.progress, board.today)
        if asked == self.trend_asked and not force:
            return
        self.trend_asked = asked
        read = getattr(self.app, "read_project_trend", None)
        if callable(read):
            read(project.id)

    def show_trend(self, project_id: int, actual: list[Point], expected: list[Point]) -> None:
        """Draw the points a worker read: the line of 形象进度 over the sprint so far, and
        where 序时 puts it today beside it."""
        if project_id != self.project_id or not self.composed:
            return
        line = self.query_one("#trend-line", Sparkline)
        values = [p.value for p in actual]
        if values != line.data:
            line.data = values
        line.set_class(len(actual) > 1, "-on")
        # The line's parts keep their sizes: redrawn in place, the page is not laid out again
        # (a second layout was half the time from Enter to the page at 10,000 projects).
        words = self.query_one("#trend-text", Static)
        words.update(trend_words(actual, expected, self.board), layout=False)


def trend_words(actual: list[Point], expected: list[Point], board: Board) -> Text:
    """起 15% → 20% · 序时 56%: the line's ends, and the plan's figure for today."""
    words = Text()
    if not actual:
        words.append(t("trend.none"), style="dim")
        return words
    start, now = actual[0], actual[-1]
    words.append(
        t("trend.span", start=start.day.strftime("%m-%d"), first=f"{start.value:.0f}"),
        style="dim",
    )
    words.append(f" → {now.value:.0f}%")
    due = expected_on(expected, min(board.today, now.day))
    if due is not None:
        words.append(" · " + t("trend.expected", expected=f"{due:.0f}"))
    return words


def expected_on(expected: list[Point], day: date) -> float | None:
    for point in expected:
        if point.day >= day:
            return point.value
    return expected[-1].value if expected else None
