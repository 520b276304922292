"""会议纪要: the minutes of a dispatch meeting, as plain data, then as Markdown or a workbook.

`build_minutes(snapshot, today)` is pure: the meeting (the latest unless one is named), the
departments that pledged at it, each one's pledges made there, the 督办清单 (every open pledge
and unresolved blocker by responsible department, with due dates and lights as of `today`),
and the red projects. Lights come from `board.domain.status`, the same rules the board shows.
The renderers only lay that data out: Markdown tables that print well, and the same sections
as sheets of a workbook.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from board.domain.snapshot import Blocker, Meeting, Pledge, Snapshot
from board.domain.status import DEFAULT_THRESHOLDS, Light, evaluate
from board.errors import BoardError
from board.i18n import t
from board.i18n.phrases import days_phrase, light_label
from board.store.workbook import write_atomically


@dataclass(frozen=True)
class Item:
    """One line of the minutes: a pledge or a blocker, with its light as of the minutes' day."""

    kind: str  # pledge | blocker
    id: int
    department: str
    text: str
    project: str
    due_on: date | None
    light: Light
    state: str


@dataclass(frozen=True)
class Group:
    department: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class RedProject:
    code: str
    name: str
    lead: str
    stage: str
    progress: int
    expected: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Minutes:
    meeting_id: int
    title: str
    zone: str
    held_on: date | None
    today: date
    attendees: tuple[str, ...]
    pledges: tuple[Group, ...]
    supervision: tuple[Group, ...]
    red: tuple[RedProject, ...]

    @property
    def heading(self) -> str:
        return t("minutes.title", title=self.title)

    @property
    def made(self) -> int:
        return sum(len(g.items) for g in self.pledges)

    @property
    def open_items(self) -> int:
        return sum(len(g.items) for g in self.supervision)

    @property
    def overdue(self) -> int:
        return sum(1 for g in self.supervision for i in g.items if i.light is Light.RED)

    def summary(self) -> str:
        return t(
            "minutes.summary",
            attendees=len(self.attendees),
            made=self.made,
            open=self.open_items,
            overdue=self.overdue,
            red=len(self.red),
        )


def blocker_light(blocker: Blocker, today: date) -> Light:
    """Like a pledge: resolved ✓, past due 红, due within the warning days 黄, else 绿."""
    if not blocker.is_open:
        return Light.DONE
    if blocker.due_on is None:
        return Light.GREEN
    days = (blocker.due_on - today).days
    if days < 0:
        return Light.RED
    return Light.AMBER if days <= DEFAULT_THRESHOLDS.pledge_warn_days else Light.GREEN


def pick_meeting(snapshot: Snapshot, meeting_id: int | None) -> Meeting:
    if meeting_id is None:
        if snapshot.meeting is None:
            raise BoardError(t("err.no_meeting"), kind="value")
        return snapshot.meeting
    for meeting in snapshot.meetings:
        if meeting.id == meeting_id:
            return meeting
    raise BoardError(t("err.unknown_meeting", ref=meeting_id), kind="value")


def build_minutes(snapshot: Snapshot, today: date, meeting_id: int | None = None) -> Minutes:
    """The minutes of one meeting (default: the latest), with lights as of `today`."""
    meeting = pick_meeting(snapshot, meeting_id)
    status = evaluate(snapshot, today)
    order = {d.id: i for i, d in enumerate(snapshot.departments)}
    names = {d.id: d.name for d in snapshot.departments}
    projects = {p.id: p for p in snapshot.projects}

    def department(dept_id: int | None) -> str:
        if dept_id is None:
            return t("minutes.no_department")
        return names.get(dept_id) or t("unknown.department", id=dept_id)

    def project(project_id: int | None) -> str:
        p = projects.get(project_id) if project_id is not None else None
        if p is None:
            return "" if project_id is None else t("unknown.project", id=project_id)
        return f"{p.code} {p.name}"

    def pledge_item(p: Pledge, state: str) -> Item:
        return Item(
            "pledge",
            p.id,
            department(p.department_id),
            p.content,
            project(p.project_id),
            p.due_on,
            status.pledges.get(p.id, Light.NONE),
            state,
        )

    def grouped(items: Iterable[tuple[int | None, Item]]) -> tuple[Group, ...]:
        groups: dict[int | None, list[Item]] = {}
        for dept_id, item in items:
            groups.setdefault(dept_id, []).append(item)
        keys = sorted(
            groups, key=lambda k: (k is None, order.get(k, len(order)) if k else 0, k or 0)
        )
        return tuple(Group(groups[k][0].department, tuple(groups[k])) for k in keys)

    made = sorted(
        (p for p in snapshot.pledges if p.meeting_id == meeting.id),
        key=lambda p: (p.due_on or date.max, p.id),
    )
    pledges = grouped((p.department_id, pledge_item(p, t(f"status.{p.status}"))) for p in made)

    open_items: list[tuple[int | None, Item]] = [
        (p.department_id, pledge_item(p, days_phrase(p.due_on, today)))
        for p in snapshot.pledges
        if not p.is_closed
    ]
    for b in snapshot.blockers:
        if b.is_open:
            item = Item(
                "blocker",
                b.id,
                department(b.department_id),
                f"【{t(f'blocker.{b.category}')}】{b.description}",
                project(b.project_id),
                b.due_on,
                blocker_light(b, today),
                days_phrase(b.due_on, today),
            )
            open_items.append((b.department_id, item))
    open_items.sort(key=lambda pair: (-pair[1].light.severity, pair[1].due_on or date.max))
    supervision = grouped(open_items)

    red = sorted(
        (p for p in snapshot.projects if status.projects[p.id].light is Light.RED),
        key=lambda p: (-(status.projects[p.id].behind or 0.0), p.code),
    )
    return Minutes(
        meeting_id=meeting.id,
        title=meeting.title,
        zone=snapshot.meta.zone_name,
        held_on=meeting.held_on,
        today=today,
        attendees=tuple(g.department for g in pledges),
        pledges=pledges,
        supervision=supervision,
        red=tuple(
            RedProject(
                p.code,
                p.name,
                department(p.lead_department_id),
                t(f"stage.{p.stage}"),
                p.progress,
                status.projects[p.id].expected,
                tuple(t(f"reason.{r}") for r in status.projects[p.id].reasons),
            )
            for p in red
        ),
    )


# Markdown -------------------------------------------------------------------------------------

SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md(value: object) -> str:
    """Database text as one Markdown table cell: control characters out, markup escaped."""
    text = "" if value is None else str(value)
    text = "".join(
        " " if ch in "\n\r\t" else ch for ch in text if ch in "\n\r\t" or ord(ch) >= 0x20
    )
    text = text.replace("\x7f", "")
    return SPECIAL.sub(r"\\\1", text.strip())


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(md(c) if c != "" else " " for c in row) + " |" for row in rows]
    return lines


def iso(day: date | None) -> str:
    return day.isoformat() if day else "—"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def pledge_rows(group: Group) -> list[list[object]]:
    return [
        [n, i.text, i.project or "—", iso(i.due_on), i.state, light_label(i.light)]
        for n, i in enumerate(group.items, start=1)
    ]


def supervision_rows(group: Group) -> list[list[object]]:
    return [
        [
            n,
            t(f"minutes.kind.{i.kind}"),
            i.text,
            i.project or "—",
            iso(i.due_on),
            light_label(i.light),
            i.state,
        ]
        for n, i in enumerate(group.items, start=1)
    ]


def red_rows(minutes: Minutes) -> list[list[object]]:
    return [
        [
            n,
            r.code,
            r.name,
            r.lead,
            r.stage,
            f"{r.progress}%",
            percent(r.expected),
            "；".join(r.reasons) or "—",
        ]
        for n, r in enumerate(minutes.red, start=1)
    ]


def pledge_headers() -> list[str]:
    keys = ("no", "item", "project", "due", "state", "light")
    return [t(f"minutes.col.{k}") for k in keys]


def supervision_headers() -> list[str]:
    keys = ("no", "kind", "item", "project", "due", "light", "state")
    return [t(f"minutes.col.{k}") for k in keys]


def red_headers() -> list[str]:
    keys = ("no", "code", "name", "department", "stage", "progress", "expected", "reasons")
    return [t(f"minutes.col.{k}") for k in keys]


def to_markdown(minutes: Minutes) -> str:
    """The minutes as Markdown: headings, a few facts, and tables per department."""
    out = [f"# {md(minutes.heading)}", ""]
    if minutes.zone:
        out.append(f"- {md(t('minutes.zone', zone=minutes.zone))}")
    out.append(f"- {t('minutes.held_on', date=iso(minutes.held_on))}")
    out.append(f"- {t('minutes.as_of', date=minutes.today.isoformat())}")
    out += ["", minutes.summary(), ""]

    out += [f"## {t('minutes.attendees')}", ""]
    out.append(t("io.list_sep").join(md(a) for a in minutes.attendees) or t("minutes.none"))
    out.append("")

    out += [f"## {t('minutes.pledges')}", ""]
    if not minutes.pledges:
        out += [t("minutes.none"), ""]
    for group in minutes.pledges:
        out += [f"### {md(group.department)}", ""]
        out += table(pledge_headers(), pledge_rows(group))
        out.append("")

    out += [f"## {t('minutes.supervision')}", "", t("minutes.supervision_note"), ""]
    if not minutes.supervision:
        out += [t("minutes.none"), ""]
    for group in minutes.supervision:
        out += [f"### {md(group.department)}", ""]
        out += table(supervision_headers(), supervision_rows(group))
        out.append("")

    out += [f"## {t('minutes.red')}", ""]
    if minutes.red:
        out += table(red_headers(), red_rows(minutes))
    else:
        out.append(t("minutes.none"))
    out.append("")
    return "\n".join(out)


# Workbook -------------------------------------------------------------------------------------


def write_markdown(minutes: Minutes, path: Path) -> None:
    text = to_markdown(minutes)

    def write(temp: Path) -> None:
        temp.write_text(text, encoding="utf-8")

    write_atomically(path, write)


def sheet_title(text: str) -> str:
    """A legal sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def write_workbook(minutes: Minutes, path: Path) -> None:
    """The same sections as sheets: 概况, 表态事项, 督办清单, 红灯项目."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    book = Workbook()
    overview = book.active
    overview.title = sheet_title(t("minutes.overview"))
    overview.column_dimensions["A"].width = 90
    overview.append([minutes.heading])
    overview["A1"].font = Font(bold=True, size=14)
    if minutes.zone:
        overview.append([t("minutes.zone", zone=minutes.zone)])
    overview.append([t("minutes.held_on", date=iso(minutes.held_on))])
    overview.append([t("minutes.as_of", date=minutes.today.isoformat())])
    overview.append([minutes.summary()])
    overview.append([])
    overview.append([t("minutes.attendees")])
    overview.cell(overview.max_row, 1).font = bold
    for name in minutes.attendees or (t("minutes.none"),):
        overview.append([name])

    def sheet(
        title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]
    ) -> None:
        ws = book.create_sheet(sheet_title(title))
        ws.append(list(headers))
        for index, width in enumerate(widths, start=1):
            cell = ws.cell(1, index)
            cell.font = bold
            cell.fill = fill
            ws.column_dimensions[cell.column_letter].width = width
        for row in rows:
            ws.append([v if not isinstance(v, str) else clean_cell(v) for v in row])
            for cell in ws[ws.max_row]:
                cell.alignment = wrap
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"

    department = t("minutes.col.department")
    sheet(
        t("minutes.pledges"),
        [department, *pledge_headers()[1:]],
        (
            [g.department, i.text, i.project, i.due_on, i.state, light_label(i.light)]
            for g in minutes.pledges
            for i in g.items
        ),
        (14, 60, 28, 12, 10, 8),
    )
    sheet(
        t("minutes.supervision"),
        [department, *supervision_headers()[1:]],
        (
            [
                g.department,
                t(f"minutes.kind.{i.kind}"),
                i.text,
                i.project,
                i.due_on,
                light_label(i.light),
                i.state,
            ]
            for g in minutes.supervision
            for i in g.items
        ),
        (14, 6, 60, 28, 12, 8, 12),
    )
    sheet(
        t("minutes.red"),
        red_headers(),
        red_rows(minutes),
        (6, 10, 30, 14, 8, 10, 10, 40),
    )
    write_atomically(path, lambda temp: book.save(temp))


def clean_cell(text: str) -> str:
    """Text an .xlsx cell can hold (no control characters but tab and newline)."""
    return "".join(ch for ch in text if ch in "\t\n" or (ord(ch) >= 0x20 and ch != "\x7f"))


def write_minutes(minutes: Minutes, path: Path) -> None:
    """Markdown for .md (and anything not .xlsx), a workbook for .xlsx."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        write_workbook(minutes, path)
    else:
        write_markdown(minutes, path)
