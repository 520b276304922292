"""The header (zone, meeting, date, countdowns, freshness) and the KPI strip under it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from board.domain.codes import STAGES
from board.domain.since import current_meeting, next_meeting
from board.domain.status import Light
from board.i18n import t
from board.ui.text import light_style, light_text
from board.view.board import Board
from board.view.kpi import kpi
from board.view.words import clean, countdowns, money


@dataclass(frozen=True)
class Freshness:
    """How current the data on screen is: what the header's right side says."""

    checked_at: datetime | None = None
    readable: bool = True
    polling: bool = False
    watch: str = "live"  # live / polling / safety: see LiveRefresh.watch_state
    every: float = 5.0  # seconds between safety checks
    changes: int = 0
    editing: bool = False


class BoardHeader(Static):
    """Zone · meeting · date on the left; countdowns, last refresh and the live dot on the right."""

    DEFAULT_CSS = """
    BoardHeader { height: auto; background: $panel; color: $foreground; padding: 0 1; }
    """

    def show(self, board: Board | None, fresh: Freshness, family: str) -> None:
        left = Text(no_wrap=False)
        right = Text(justify="right")
        if board is not None:
            snap = board.snapshot
            meeting = current_meeting(snap.meetings, board.today)
            upcoming = next_meeting(snap.meetings, board.today)
            left.append(clean(snap.meta.zone_name) or "board", style="bold")
            if meeting is not None:
                left.append(" · " + clean(meeting.title), style="bold")
            left.append(f"  {board.today.isoformat()}")
            if upcoming is not None and upcoming.held_on is not None:
                when = f"{upcoming.held_on.month:02d}-{upcoming.held_on.day:02d}"
                left.append("  " + t("header.next", title=clean(upcoming.title), date=when))
            for i, line in enumerate(
                countdowns(snap.meta.season_end, snap.meta.year_end, board.today)
            ):
                right.append(" · " if i else "")
                right.append(line, style="bold")
            right.append("  ")
        if fresh.checked_at is not None:
            right.append(t("header.updated", time=fresh.checked_at.strftime("%H:%M:%S")) + " ")
        if fresh.readable:
            if fresh.watch == "safety":
                dot, light = t("header.safety", seconds=f"{fresh.every:g}"), Light.AMBER
            elif fresh.watch == "polling" or fresh.polling:
                dot, light = t("header.polling"), Light.GREEN
            else:
                dot, light = t("header.watching"), Light.GREEN
            right.append(dot, style=light_style(light, family))
        else:
            right.append(t("header.unreadable"), style=light_style(Light.RED, family))
        if fresh.changes:
            right.append(" · " + t("header.changes", count=fresh.changes))
        if fresh.editing:
            right.append(" · ")
            right.append(t("edit.mode"), style="bold reverse")
        width = self.size.width or 160
        key = (left.markup, right.markup, width)
        if key == getattr(self, "_shown", None):
            return  # nothing new: no re-layout, no repaint
        self._shown = key
        two_lines = left.cell_len + right.cell_len + 4 > width
        # A new layout only when the header grows or shrinks a line; a new time or change
        # count repaints the header alone.
        layout = two_lines != getattr(self, "_two_lines", None)
        self._two_lines = two_lines
        if two_lines:
            # Narrow terminal: two lines, each whole, rather than a squeezed column.
            right.justify = "left"
            self.update(Group(left, right), layout=layout)
            return
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1)
        grid.add_column(justify="right")
        grid.add_row(left, right)
        self.update(grid, layout=layout)


class KpiStrip(Static):
    """Projects per stage, counts per light, year investment done ÷ plan, open blockers."""

    DEFAULT_CSS = """
    KpiStrip { height: auto; padding: 0 1; background: $boost; }
    """

    def show(self, board: Board, family: str) -> None:
        self._last = (board, family)
        # One cell of slack: Textual cuts a line that fills the content width to the last cell.
        width = max(1, (self.content_size.width or 160) - 1)
        text = kpi_lines(kpi_groups(board, family), width)
        key = (text.markup, width)
        if key != getattr(self, "_shown", None):
            self._shown = key
            lines = text.plain.count("\n") + 1
            self.update(text, layout=lines != getattr(self, "_lines", None))
            self._lines = lines

    def on_resize(self) -> None:
        # Groups are placed for a width: a new width places them again.
        last = getattr(self, "_last", None)
        if last is not None:
            self.show(*last)


def kpi_groups(board: Board, family: str) -> list[list[Text]]:
    """The strip's sections (stages, lights, investment, rates, blockers), each a list of
    groups: a label with its figures, which must never be split across lines."""
    figures = kpi(board)
    stages = []
    for stage in STAGES:
        group = Text()
        group.append(f"{t(f'stage.{stage}')} ", style="dim")
        group.append(f"{figures.stages.get(stage, 0)}", style="bold")
        stages.append(group)
    lights = []
    for light in (Light.RED, Light.AMBER, Light.GREEN, Light.DONE):
        group = Text()
        group.append_text(light_text(light, family, aligned=False))
        group.append(f" {figures.lights.get(light, 0)}")
        lights.append(group)
    plan, done = figures.plan, figures.done
    pct = f"{done / plan:.0%}" if plan else "—"
    money_group = [Text(t("kpi.investment", done=money(done), plan=money(plan), pct=pct))]
    rates = []
    for key, rate in (
        ("kpi.start_rate", figures.rates.start),
        ("kpi.complete_rate", figures.rates.complete),
        ("kpi.produce_rate", figures.rates.produce),
    ):
        share = "—" if rate.share is None else f"{rate.share:.0%}"
        rates.append(Text(t(key, done=rate.done, planned=rate.planned, pct=share)))
    blockers = [Text(t("kpi.blockers", count=figures.open_blockers), style="bold")]
    return [stages, lights, money_group, rates, blockers]


def kpi_lines(sections: list[list[Text]], width: int) -> Text:
    """The groups placed line by line, whole: a group that does not fit on the line starts
    the next one (it is cut only if it is wider than the strip itself)."""
    out = Text(no_wrap=True)
    used = 0
    for s_index, section in enumerate(sections):
        for g_index, group in enumerate(section):
            joint = "  │ " if g_index == 0 and s_index else "  "
            if used == 0:
                joint = ""
            elif used + cell_len(joint) + group.cell_len > width:
                out.append("\n")
                used, joint = 0, ("│ " if g_index == 0 else "")
            out.append(joint, style="dim")
            out.append_text(group)
            used += cell_len(joint) + group.cell_len
    return out
