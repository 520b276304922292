"""What the detail pages list, as rows of aligned columns (board.ui.columns): pledges,
blockers, milestones, the projects a department leads, a project's changes.

Each builder gives the columns (which stay whole, which give way), a header and the rows;
the pages draw them as a renderable (`table`) or as selectable cards (`cards`), which line up
the same way. Lights, dates and day phrases are `keep` columns: never cut, at any width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text

from board.domain.snapshot import Blocker, ChangeEntry, Milestone, Pledge, Project
from board.i18n import t
from board.ui.columns import KEEP, AlignedRows, Column, lay_out
from board.ui.text import light_style, light_text
from board.ui.widgets.cards import Card
from board.view.board import Board, urgency
from board.view.words import clean, days_phrase, pipeline, progress_bar

UNIT = Column(floor=6, most=12)  # a unit's name: cut before the content is
PROJECT = Column(floor=8, most=28, drop=True)  # a project's name beside a row's own text
NAMED_PROJECT = Column(floor=8, most=28)  # the project is what a unit's milestone is about
CONTENT = Column(wrap=True)


@dataclass(frozen=True)
class Rows:
    """One list: its columns, header and rows (with each row's id, for cards)."""

    columns: tuple[Column, ...]
    header: tuple[Text, ...]
    rows: tuple[tuple[str, tuple[Text, ...]], ...]

    def table(self) -> AlignedRows | Text:
        if not self.rows:
            return Text(t("detail.none"), style="dim")
        return AlignedRows([cells for _id, cells in self.rows], self.columns, self.header)

    def cards(self, width: int, title: Text | None = None) -> list[Card]:
        """The list's title and header (not selectable), then one card per row, laid out at
        `width` cells."""
        cards = [Card(id="title", prompt=title, selectable=False)] if title is not None else []
        if not self.rows:
            none = Text(t("detail.none"), style="dim")
            return [*cards, Card(id="none", prompt=none, selectable=False)]
        head, lines = lay_out([c for _id, c in self.rows], self.columns, width, self.header)
        if head is not None:
            head.stylize("dim")
        cards.append(Card(id="header", prompt=head or Text(""), selectable=False))
        cards += [
            Card(id=ident, prompt=line) for (ident, _c), line in zip(self.rows, lines, strict=True)
        ]
        return cards


def text(value: str | None, style: str = "") -> Text:
    return Text(clean(value) or "—", style=style)


def headed(*keys: str) -> tuple[Text, ...]:
    return tuple(Text(t(k) if k else "") for k in keys)


def due_text(due: date | None) -> Text:
    return Text(due.isoformat() if due else "—")


def pledge_rows(board: Board, pledges: Sequence[Pledge], family: str, by: str) -> Rows:
    """A project's pledges (by="project": the unit beside each) or a department's (the
    project beside each), most urgent first."""
    ordered = sorted(pledges, key=lambda p: urgency(p, board.status.pledges[p.id]))
    rows = []
    for p in ordered:
        light = board.status.pledges[p.id]
        when = t(f"status.{p.status}") if p.is_closed else days_phrase(p.due_on, board.today)
        if by == "project":
            other = text(board.department_name(p.department_id))
        else:
            project = board.projects.get(p.project_id) if p.project_id is not None else None
            other = text(project.name if project else None, style="dim")
        content = (t("bad.value") + " " if p.problems else "") + clean(p.content)
        if p.note:
            content += f"（{clean(p.note)}）"
        cells = (
            light_text(light, family),
            due_text(p.due_on),
            Text(when, style=light_style(light, family)),
            other,
            Text(content),
        )
        rows.append((f"pledge-{p.id}", cells))
    columns = (KEEP, KEEP, KEEP, UNIT if by == "project" else PROJECT, CONTENT)
    other_key = "col.department" if by == "project" else "col.project"
    return Rows(columns, headed("col.light", "col.due", "", other_key, "rows.content"), tuple(rows))


def blocker_rows(board: Board, blockers: Sequence[Blocker], family: str, by: str) -> Rows:
    """Open ones first, by due date; on a project page the project is not repeated, on a
    department page the unit is not."""
    rows = []
    for b in sorted(blockers, key=lambda b: (not b.is_open, b.due_on or board.today)):
        light = board.blocker_light(b)
        when = (
            days_phrase(b.due_on, board.today)
            if b.is_open
            else t("detail.resolved_on", date=b.resolved_on.isoformat() if b.resolved_on else "")
        )
        project = board.projects.get(b.project_id) if b.project_id is not None else None
        other = (
            text(board.department_name(b.department_id))
            if by == "project"
            else text(project.name if project else None, style="dim")
        )
        cells = (
            light_text(light, family),
            Text(t(f"blocker.{b.category}")),
            Text(when, style=light_style(light, family)),
            other,
            text(b.description),
        )
        rows.append((f"blocker-{b.id}", cells))
    columns = (KEEP, KEEP, KEEP, UNIT if by == "project" else PROJECT, CONTENT)
    other_key = "col.department" if by == "project" else "col.project"
    header = headed("col.light", "rows.category", "col.due", other_key, "rows.problem")
    return Rows(columns, header, tuple(rows))


def milestone_when(milestone: Milestone, board: Board) -> str:
    """完成 2026-10-12 for a done one, else how long is left (逾期 3 天 / 还剩 5 天)."""
    if milestone.done_on is not None:
        return t("rows.done_on", date=milestone.done_on.isoformat())
    return days_phrase(milestone.due_on, board.today)


def milestone_rows(board: Board, milestones: Sequence[Milestone], family: str, by: str) -> Rows:
    """A timeline by due date: on a project page the unit beside each step, on a department
    page the project."""
    if by == "project":  # a timeline: by due date, done or not
        ordered = sorted(milestones, key=lambda m: (m.due_on or date.max, m.sort_order, m.id))
    else:  # what a unit still owes first, by due date; then what it did, latest first
        ordered = sorted(
            milestones,
            key=lambda m: (
                m.is_done,
                -(m.done_on.toordinal() if m.done_on else 0),
                m.due_on or date.max,
                m.id,
            ),
        )
    rows = []
    for m in ordered:
        light = board.status.milestones.get(m.id)
        if light is None:
            continue
        project = board.projects.get(m.project_id)
        other = (
            text(board.department_name(m.department_id))
            if by == "project"
            else text(project.name if project else None, style="dim")
        )
        name = clean(m.name) + (f"（{clean(m.note)}）" if m.note else "")
        cells = (
            light_text(light, family),
            due_text(m.due_on),
            Text(milestone_when(m, board), style=light_style(light, family)),
            other,
            Text(name),
        )
        rows.append((f"milestone-{m.id}", cells))
    columns = (KEEP, KEEP, KEEP, UNIT if by == "project" else NAMED_PROJECT, CONTENT)
    other_key = "col.lead" if by == "project" else "col.project"
    header = headed("col.light", "rows.deadline", "rows.state", other_key, "rows.milestone")
    return Rows(columns, header, tuple(rows))


def led_rows(board: Board, projects: Sequence[Project], family: str) -> Rows:
    """The projects a department leads, worst light first."""
    rows = []
    for p in sorted(projects, key=lambda p: -board.project_light(p.id).severity):
        cells = (
            light_text(board.project_light(p.id), family),
            text(p.name),
            Text(f"{pipeline(p.stage)} {t(f'stage.{p.stage}')}"),
            Text(progress_bar(p.progress)),
        )
        rows.append((f"project-{p.id}", cells))
    columns = (KEEP, Column(floor=8, wrap=False), KEEP, KEEP)
    header = headed("col.light", "col.project", "col.stage", "col.progress")
    return Rows(columns, header, tuple(rows))


def change_rows(changes: Sequence[ChangeEntry]) -> Rows:
    """A row's changes, newest first: when, and what (column: old → new)."""
    rows = []
    for c in reversed(changes):
        if c.action == "update":
            column = c.column_name or ""
            label = f"column.{column}"
            what = t(
                "change.update",
                column=t(label) if t(label) != label else column,
                old=clean(c.old_value) or "∅",
                new=clean(c.new_value) or "∅",
            )
        else:
            what = t(f"change.{c.action}") if c.action in ("insert", "delete") else c.action
        rows.append((f"change-{c.id}", (Text(clean(c.at)[:16]), Text(what))))
    return Rows((KEEP, CONTENT), headed("rows.when", "rows.change"), tuple(rows))
