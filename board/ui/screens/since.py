"""自上次调度会以来 (key c): what changed since the last meeting, grouped by department."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text

from board.i18n import t
from board.ui.columns import KEEP, AlignedRows, Column, Flow
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
        counts = []
        for kind in GLYPHS:
            n = sum(1 for i in report.items if i.kind == kind)
            if n:
                counts.append(Text(f"{GLYPHS[kind]} {t(f'since.{kind}')} {n}"))
        parts.append(Flow(counts))
        # Every group's kinds take the cells of the longest, so the groups line up.
        kinds = Column(keep=True, least=max(cell_len(t(f"since.{k}")) for k in GLYPHS))
        for dept_id in order:
            name = board.department_name(dept_id) or t("since.no_department")
            parts.append(section(clean(name)))
            rows = []
            for item in groups[dept_id]:
                detail = item.detail
                if item.kind == "stage_up" and ">" in detail:
                    old, new = detail.split(">", 1)
                    detail = f"{t(f'stage.{old}')} → {t(f'stage.{new}')}"
                elif item.kind in ("pledge_overdue", "milestone_overdue"):
                    detail = t("since.due", date=detail)
                what = Text(clean(item.text))
                if detail:
                    what.append("  " + detail, style="dim")
                rows.append(
                    (
                        Text(GLYPHS[item.kind]),
                        Text(t(f"since.{item.kind}"), style="bold"),
                        what,
                    )
                )
            # The kind stays whole; what changed (and its date) wraps under itself.
            table = AlignedRows(rows, (KEEP, kinds, Column(wrap=True)))
            parts.append(table)
        return title, Group(*parts)
