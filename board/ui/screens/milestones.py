"""本周节点 (key w, and a slideshow page): the milestones due within 7 days or overdue, unit by
unit, each with its light, deadline, project and step."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from board.i18n import t
from board.ui.columns import KEEP, AlignedRows, Column
from board.ui.screens.detail import DetailScreen, section
from board.ui.text import light_text
from board.view.milestones import week_count, week_milestones
from board.view.words import clean, days_phrase


class WeekMilestonesScreen(DetailScreen):
    """What must be done this week, by the unit that answers for it."""

    def build(self) -> tuple[Text, RenderableType]:
        board = self.board
        groups = week_milestones(board)
        title = Text(t("week.title", count=week_count(board)), style="bold")
        if not groups:
            return title, Text(t("week.none"), style="dim")
        parts: list[RenderableType] = []
        for group in groups:
            name = group.department.name if group.department else t("week.no_unit")
            parts.append(section(clean(name)))
            rows = []
            for item in group.items:
                due = item.milestone.due_on
                rows.append(
                    (
                        light_text(item.light, self.family),
                        Text(due.isoformat() if due else "—"),
                        Text(days_phrase(due, board.today)),
                        Text(f"{clean(item.project.name)} · {clean(item.milestone.name)}"),
                    )
                )
            table = AlignedRows(rows, (KEEP, KEEP, KEEP, Column(wrap=True)))
            parts.append(table)
        return title, Group(*parts)
