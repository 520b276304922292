"""自上次调度会以来 (key c): what changed since the last meeting, grouped by department."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from board.i18n import t
from board.ui.screens.detail import DetailScreen, section
from board.view.words import clean

GLYPHS = {
    "stage_up": "↑",
    "pledge_done": "✓",
    "pledge_new": "＋",
    "pledge_overdue": "■",
    "blocker_opened": "！",
    "blocker_closed": "✓",
    "milestone_done": "◇",
    "milestone_overdue": "▼",
}


class SinceScreen(DetailScreen):
    """Stages advanced, pledges done and new, pledges fallen overdue, blockers opened and
    closed (销号), department by department in speaking order."""

    def build(self) -> tuple[Text, RenderableType]:
        board = self.board
        report = board.since
        title = Text(t("since.title"), style="bold")
        if report.last_meeting is None or report.since is None:
            return title, Text(t("since.no_meeting"), style="dim")
        title.append(
            "  "
            + t(
                "since.from", date=report.since.isoformat(), title=clean(report.last_meeting.title)
            ),
            style="dim",
        )
        if not report.items:
            return title, Text(t("since.nothing"), style="dim")
        groups = report.by_department()
        order = [d.id for d in board.snapshot.departments if d.id in groups]
        if None in groups:
            order.append(None)  # type: ignore[arg-type]
        parts: list[RenderableType] = []
        counts = Text()
        for kind in GLYPHS:
            n = sum(1 for i in report.items if i.kind == kind)
            if n:
                counts.append(f"{GLYPHS[kind]} {t(f'since.{kind}')} {n}   ")
        parts.append(counts)
        for dept_id in order:
            name = board.department_name(dept_id) or t("since.no_department")
            parts.append(section(clean(name)))
            table = Table.grid(padding=(0, 2))
            for item in groups[dept_id]:
                detail = item.detail
                if item.kind == "stage_up" and ">" in detail:
                    old, new = detail.split(">", 1)
                    detail = f"{t(f'stage.{old}')} → {t(f'stage.{new}')}"
                elif item.kind in ("pledge_overdue", "milestone_overdue"):
                    detail = t("since.due", date=detail)
                table.add_row(
                    Text(GLYPHS[item.kind]),
                    Text(t(f"since.{item.kind}"), style="bold"),
                    Text(clean(item.text)),
                    Text(detail, style="dim"),
                )
            parts.append(table)
        return title, Group(*parts)
