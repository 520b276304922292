"""Detail screens: one project, one department. Enter opens them, Esc goes back.

They hold only an id and re-render from every new `Board` the app hands them, so an open
detail stays live; when its row is deleted they say so and offer the way back.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from board.domain.codes import DEPARTMENT_KINDS, STAGES
from board.domain.snapshot import Blocker, Pledge
from board.i18n import t
from board.ui.text import fit, light_style, light_text, pad, phrase_width
from board.ui.textual_private import arrange_hidden_screen
from board.ui.widgets.bars import PAGE_HINTS, KeyBar, PresenterBar
from board.ui.widgets.cards import Card, CardList
from board.view.board import Board, urgency
from board.view.words import clean, days_phrase, money, pipeline, progress_bar


def rows_table(columns: int) -> Table:
    """A borderless table whose cells never wrap: every column but the last keeps its width,
    the last is cut with an ellipsis."""
    table = Table.grid(padding=(0, 2))
    for i in range(columns):
        last = i == columns - 1
        table.add_column(
            no_wrap=True, overflow="ellipsis" if last else "fold", ratio=1 if last else None
        )
    return table


def section(title: str) -> Text:
    return Text("\n" + title, style="bold underline")


def plain(value: str | None) -> Text:
    return Text(clean(value) or "—")


def blocker_table(board: Board, blockers: list[Blocker], family: str) -> RenderableType:
    if not blockers:
        return Text(t("detail.none"), style="dim")
    table = rows_table(6)
    for b in sorted(blockers, key=lambda b: (not b.is_open, b.due_on or board.today)):
        project = board.projects.get(b.project_id) if b.project_id is not None else None
        when = (
            days_phrase(b.due_on, board.today)
            if b.is_open
            else t("detail.resolved_on", date=b.resolved_on.isoformat() if b.resolved_on else "")
        )
        table.add_row(
            light_text(board.blocker_light(b), family),
            Text(t(f"blocker.{b.category}")),
            Text(when),
            plain(board.department_name(b.department_id)),
            plain(project.name if project else None),
            plain(b.description),
        )
    return table


def pledge_table(board: Board, pledges: list[Pledge], family: str, by: str) -> RenderableType:
    if not pledges:
        return Text(t("detail.none"), style="dim")
    table = rows_table(5)
    ordered = sorted(pledges, key=lambda p: urgency(p, board.status.pledges[p.id]))
    for p in ordered:
        light = board.status.pledges[p.id]
        when = t(f"status.{p.status}") if p.is_closed else days_phrase(p.due_on, board.today)
        due = p.due_on.isoformat() if p.due_on else "—"
        other = (
            board.department_name(p.department_id)
            if by == "project"
            else (board.projects[p.project_id].name if p.project_id in board.projects else None)
        )
        table.add_row(
            light_text(light, family),
            Text(due),
            Text(when),
            plain(other),
            Text(clean(p.content) + (f"（{clean(p.note)}）" if p.note else "")),
        )
    return table


class DetailScreen(Screen[None]):
    """Common frame: a title line, scrolling content, the key bar."""

    KEY_HINTS = PAGE_HINTS  # the overview's filter and sort keys do nothing here

    BINDINGS = [
        Binding("escape", "app.pop_screen", "key.back", id="detail.back"),
        Binding("j,down", "scroll_down", "key.down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "key.up", show=False, id="detail.up"),
    ]
    DEFAULT_CSS = """
    DetailScreen #detail-title { height: auto; background: $panel; padding: 0 1; text-style: bold; }
    DetailScreen #detail-body { padding: 0 1; }
    """

    def __init__(self, board: Board, family: str) -> None:
        super().__init__()
        self.board = board
        self.family = family

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        with VerticalScroll(id="detail-scroll"):
            yield Static(id="detail-body")
        yield PresenterBar()
        yield KeyBar()

    def on_mount(self) -> None:
        # A page started while idle (a kept page) can be mounted before its scroll's body.
        if self.composed:
            self.render_board()
        else:
            self.call_after_refresh(self.refresh_board, self.board, self.family)

    def arrange_unseen(self, size: Size) -> None:
        """Lay the page out for `size` while it is not shown (a kept page built in advance):
        its first push then only paints, like every later one (25 ms sooner at 300 projects).
        Textual's own step on a resize; it draws nothing unless the screen is the current one."""
        if not self.is_current:
            arrange_hidden_screen(self, size)

    def action_scroll_down(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_up(animate=False)

    def refresh_board(self, board: Board, family: str) -> None:
        """A new snapshot arrived: re-render in place (scroll position is kept)."""
        self.board = board
        self.family = family
        if self.composed:
            self.render_board()

    @property
    def composed(self) -> bool:
        """Mounted with every part: a kept page built while idle gets boards before its body
        (inside the scroll) is mounted, and one being torn down has lost them."""
        return (
            self.is_mounted
            and bool(self.query("#detail-title"))
            and bool(self.query("#detail-body"))
        )

    def render_board(self) -> None:
        title, body = self.build()
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-body", Static).update(body)

    def build(self) -> tuple[Text, RenderableType]:
        raise NotImplementedError

    def show(self, board: Board, family: str, ident: int) -> None:
        """Show another row in this (kept) screen: from the top, with the current board."""
        self.board = board
        self.family = family
        self.ident = ident
        if self.composed:
            self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)
            self.render_board()

    @property
    def ident(self) -> int:
        raise NotImplementedError

    @ident.setter
    def ident(self, value: int) -> None:
        raise NotImplementedError

    def edit_target(self, focused: Widget | None) -> tuple[str, int] | None:
        """What the edit keys act on here, by kind and id, with `focused` focused."""
        return None


class ProjectScreen(DetailScreen):
    """A project: stages planned vs actual, sprint goal and 序时进度, people, money, blockers,
    pledges naming it, and its recent changes."""

    def __init__(self, board: Board, family: str, project_id: int) -> None:
        super().__init__(board, family)
        self.project_id = project_id

    @property
    def ident(self) -> int:
        return self.project_id

    @ident.setter
    def ident(self, value: int) -> None:
        self.project_id = value

    def edit_target(self, focused: Widget | None) -> tuple[str, int] | None:
        return ("project", self.project_id)

    def build(self) -> tuple[Text, RenderableType]:
        board = self.board
        project = board.projects.get(self.project_id)
        if project is None:
            return Text(t("detail.gone_project"), style="bold"), Text(t("detail.back"))
        status = board.status.projects[project.id]
        title = Text()
        title.append_text(light_text(status.light, self.family))
        title.append(f"  {clean(project.name)}  ")
        title.append(f"{clean(project.code)} · {t(f'category.{project.category}')} · ", style="dim")
        title.append(f"{pipeline(project.stage)} {t(f'stage.{project.stage}')}")
        parts: list[RenderableType] = []
        if status.reasons:
            parts.append(section(t("detail.reasons")))
            parts.append(Text("；".join(t(f"reason.{r}") for r in status.reasons)))
        if project.problems:
            parts.append(Text(t("bad.value") + "：" + ", ".join(project.problems), style="bold"))

        parts.append(section(t("detail.stages")))
        stages = Table("", t("detail.planned"), t("detail.actual"), box=None, padding=(0, 2))
        planned = {"started": project.planned_start_on, "completed": project.planned_complete_on}
        for stage in STAGES:
            plan = planned.get(stage)
            actual = project.stage_date(stage)
            stages.add_row(
                t(f"stage.{stage}"),
                plan.isoformat() if plan else "—",
                actual.isoformat() if actual else "—",
            )
        parts.append(stages)

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
                    "detail.expected",
                    expected=f"{status.expected:.0f}",
                    actual=project.progress,
                )
                behind = status.behind or 0.0
                key = "detail.behind" if behind > 0 else "detail.ahead"
                line += " · " + t(key, points=f"{abs(behind):.0f}")
                parts.append(Text(line))
        parts.append(Text(progress_bar(project.progress, 20)))
        parts.append(section(t("detail.note")))
        parts.append(plain(project.progress_note))

        parts.append(section(t("detail.people")))
        people = Table.grid(padding=(0, 2))
        for key, value in (
            ("detail.lead", board.department_name(project.lead_department_id)),
            ("detail.responsible", project.responsible),
            ("detail.leader", project.leader),
            ("detail.owner", project.owner),
            ("detail.location", project.location),
        ):
            people.add_row(Text(t(key), style="dim"), plain(value))
        parts.append(people)

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
        parts.append(blocker_table(board, blockers, self.family))
        parts.append(section(t("detail.pledges")))
        parts.append(
            pledge_table(
                board, board.pledges_by_project.get(project.id, []), self.family, "project"
            )
        )
        parts.append(section(t("detail.changes")))
        changes = [
            c
            for c in board.snapshot.changes
            if c.table_name == "projects" and c.row_id == project.id
        ][-12:]
        if not changes:
            parts.append(Text(t("detail.none"), style="dim"))
        for c in reversed(changes):
            if c.action == "update":
                what = t(
                    "change.update",
                    column=c.column_name or "",
                    old=clean(c.old_value) or "∅",
                    new=clean(c.new_value) or "∅",
                )
            else:
                what = t(f"change.{c.action}") if c.action in ("insert", "delete") else c.action
            parts.append(Text(f"{clean(c.at)}  {what}"))
        return title, Group(*parts)


def pledge_card(board: Board, pledge: Pledge, family: str, width: int) -> Card:
    """One pledge as a selectable line cut to `width` cells: light, due date, how long left,
    project, content and note."""
    light = board.status.pledges[pledge.id]
    when = (
        t(f"status.{pledge.status}")
        if pledge.is_closed
        else days_phrase(pledge.due_on, board.today)
    )
    project = board.projects.get(pledge.project_id) if pledge.project_id is not None else None
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append_text(light_text(light, family))
    text.append(f"  {pledge.due_on.isoformat() if pledge.due_on else '—':<10}  ")
    text.append(pad(when, phrase_width()) + "  ", style=light_style(light, family))
    if project is not None and width >= 100:
        text.append(fit(clean(project.name), 16) + "  ", style="dim")
    rest = (t("bad.value") + " " if pledge.problems else "") + clean(pledge.content)
    if pledge.note:
        rest += f"（{clean(pledge.note)}）"
    text.append(fit(rest, max(4, width - text.cell_len)))
    return Card(id=f"pledge-{pledge.id}", prompt=text)


class PledgeList(CardList):
    """A department's pledges, most urgent first; in edit mode the one under the cursor is
    what the edit keys act on."""

    DEFAULT_CSS = "PledgeList { height: auto; max-height: 24; border: none; }"

    def pledge_id_at_cursor(self) -> int | None:
        card_id = self.highlighted_id
        return int(card_id.removeprefix("pledge-")) if card_id else None


class DepartmentScreen(DetailScreen):
    """A department: all its pledges, the projects it leads, the blockers it owns, its score."""

    AUTO_FOCUS = "PledgeList"

    def __init__(self, board: Board, family: str, department_id: int) -> None:
        super().__init__(board, family)
        self.department_id = department_id

    @property
    def ident(self) -> int:
        return self.department_id

    @ident.setter
    def ident(self, value: int) -> None:
        self.department_id = value

    def edit_target(self, focused: Widget | None) -> tuple[str, int] | None:
        """The pledge under the cursor when the pledge list has the focus, else the department."""
        pledges = self.query_one(PledgeList)
        pledge_id = pledges.pledge_id_at_cursor()
        if pledge_id is not None and focused is pledges:
            return ("pledge", pledge_id)
        return ("department", self.department_id)

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        with VerticalScroll(id="detail-scroll"):
            yield Static(id="detail-head")
            yield PledgeList(id="pledges")
            yield Static(id="detail-body")
        yield PresenterBar()
        yield KeyBar()

    def render_board(self) -> None:
        title, body = self.build()
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-body", Static).update(body)
        board = self.board
        dept = board.departments.get(self.department_id)
        head = self.query_one("#detail-head", Static)
        pledge_list = self.query_one(PledgeList)
        if dept is None:
            head.update("")
            pledge_list.show_cards([])
            return
        status = board.status.departments[dept.id]
        score = (
            t("detail.score", score=f"{status.score:.0%}", due=status.due, done=status.due_done)
            if status.score is not None
            else t("detail.no_score")
        )
        head.update(Group(Text(score, style="bold"), section(t("detail.dept_pledges"))))
        pledges = sorted(
            board.pledges_by_department.get(dept.id, []),
            key=lambda p: urgency(p, board.status.pledges[p.id]),
        )
        width = pledge_list.text_width
        pledge_list.show_cards([pledge_card(board, p, self.family, width) for p in pledges])

    def build(self) -> tuple[Text, RenderableType]:
        board = self.board
        dept = board.departments.get(self.department_id)
        if dept is None:
            return Text(t("detail.gone_department"), style="bold"), Text(t("detail.back"))
        status = board.status.departments[dept.id]
        title = Text()
        title.append_text(light_text(status.light, self.family))
        title.append(f"  {clean(dept.name)}  ")
        title.append(
            t(f"kind.{dept.kind}") if dept.kind in DEPARTMENT_KINDS else "",
            style="dim",
        )
        title.append(
            "  " + t("dept.summary", done=status.done, total=status.total, overdue=status.overdue)
        )
        parts: list[RenderableType] = []
        parts.append(section(t("detail.dept_projects")))
        led = [p for p in board.snapshot.projects if p.lead_department_id == dept.id]
        if not led:
            parts.append(Text(t("detail.none"), style="dim"))
        else:
            table = rows_table(4)
            for p in sorted(led, key=lambda p: -board.project_light(p.id).severity):
                table.add_row(
                    light_text(board.project_light(p.id), self.family),
                    plain(p.name),
                    Text(f"{pipeline(p.stage)} {t(f'stage.{p.stage}')}"),
                    Text(progress_bar(p.progress)),
                )
            parts.append(table)
        parts.append(section(t("detail.dept_blockers")))
        owned = [b for b in board.snapshot.blockers if b.department_id == dept.id]
        parts.append(blocker_table(board, owned, self.family))
        return title, Group(*parts)
