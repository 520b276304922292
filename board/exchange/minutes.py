"""会议纪要 laid out: the minutes built by `board.domain.minutes` as Markdown or a workbook.

The renderers only lay the data out and word it: Markdown tables that print well, and the same
sections as sheets of a workbook (openpyxl lives in this package alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from board.domain.minutes import Group, Item, Minutes
from board.exchange.files import write_atomically
from board.i18n import t
from board.view.words import days_phrase, light_label


def made_state(item: Item) -> str:
    """A pledge made at the meeting: its status now (待办, 已完成…)."""
    return t(f"status.{item.status}")


def open_state(item: Item, today: date) -> str:
    """An open item of the 督办清单: how long is left (逾期 N 天, 还剩 N 天)."""
    return days_phrase(item.due_on, today)


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
        [n, i.text, i.project or "—", iso(i.due_on), made_state(i), light_label(i.light)]
        for n, i in enumerate(group.items, start=1)
    ]


def supervision_rows(group: Group, today: date) -> list[list[object]]:
    return [
        [
            n,
            t(f"minutes.kind.{i.kind}"),
            i.text,
            i.project or "—",
            iso(i.due_on),
            light_label(i.light),
            open_state(i, today),
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
    out += ["", minutes.summary(), "", md(minutes.rates_line()), ""]

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
        out += table(supervision_headers(), supervision_rows(group, minutes.today))
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
    overview.append([minutes.rates_line()])
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
            [g.department, i.text, i.project, i.due_on, made_state(i), light_label(i.light)]
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
                open_state(i, minutes.today),
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
