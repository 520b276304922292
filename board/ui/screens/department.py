"""The department page (Enter on a card): its score, every pledge it made (aligned, as tall
as they are), the milestones it answers for, the projects it leads and the blockers it owns."""

from __future__ import annotations

from datetime import date

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from board.domain.codes import DEPARTMENT_KINDS
from board.domain.snapshot import Milestone
from board.i18n import t
from board.ui.screens.detail import DetailScreen, section
from board.ui.screens.rows import blocker_rows, led_rows, milestone_rows, pledge_rows
from board.ui.text import light_text
from board.ui.widgets.bars import KeyBar, PresenterBar
from board.ui.widgets.rowlist import RowList
from board.view.board import Board
from board.view.words import clean


class PledgeList(RowList):
    """A department's pledges, most urgent first; in edit mode the one under the cursor is
    what the edit keys act on."""

    def pledge_id_at_cursor(self) -> int | None:
        card_id = self.highlighted_id
        if card_id is None or not card_id.startswith("pledge-"):
            return None
        return int(card_id.removeprefix("pledge-"))


def answered_milestones(board: Board, department_id: int) -> list[Milestone]:
    """The milestones this unit answers for, across projects, by due date."""
    found = [
        m
        for timeline in board.status.milestones_by_project.values()
        for m in timeline
        if m.department_id == department_id
    ]
    return sorted(found, key=lambda m: (m.due_on or date.max, m.id))


class DepartmentScreen(DetailScreen):
    """One department, live."""

    AUTO_FOCUS = "PledgeList"
    EDIT_HINTS = (("a", "key.add_pledge"), ("x", "key.done_short"), ("u", "key.edit_due"))
    DEFAULT_CSS = "DepartmentScreen #detail-head { padding: 0 1; }"

    def __init__(self, board: Board, family: str, department_id: int) -> None:
        super().__init__(board, family)
        self.department_id = department_id

    @property
    def ident(self) -> int:
        return self.department_id

    @ident.setter
    def ident(self, value: int) -> None:
        self.department_id = value

    @property
    def composed(self) -> bool:
        return super().composed and bool(self.query("#pledges"))

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
        rows = pledge_rows(
            board, board.pledges_by_department.get(dept.id, []), self.family, "department"
        )
        pledge_list.show_cards(rows.cards(pledge_list.text_width))

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
        parts: list[RenderableType] = [section(t("detail.dept_milestones"))]
        milestones = answered_milestones(board, dept.id)
        parts.append(milestone_rows(board, milestones, self.family, "department").table())
        parts.append(section(t("detail.dept_projects")))
        led = [p for p in board.snapshot.projects if p.lead_department_id == dept.id]
        parts.append(led_rows(board, led, self.family).table())
        parts.append(section(t("detail.dept_blockers")))
        owned = [b for b in board.snapshot.blockers if b.department_id == dept.id]
        parts.append(blocker_rows(board, owned, self.family, "department").table())
        return title, Group(*parts)
