"""One row of a 重点项目推进台账 → a project (added or updated) and its open blockers.

The project is found by code, else by normalised name (matching.py); a code match whose name
differs is a rename, refused unless --rename. Amounts are 万元 (a 亿元 header or cell is
converted); 项目进展情况 is the progress note and a percentage in it the progress; 项目性质
sets the stage, which never moves back (续建 does not undo a 竣工 board already has). A new
project takes its category from the 类别 column, else its group row, else its name's words,
and the next code in the zone's pattern. 存在问题 adds one open blocker per problem named
(无 / 暂无: none), once: the same text again is the same blocker.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from board.domain.codes import STAGE_DATE_COLUMNS, stage_index
from board.errors import BoardError
from board.exchange.cells import read_text
from board.exchange.ledger.matching import clean_name, content_key, name_key, repeated, similar
from board.exchange.ledger.values import (
    blocker_category,
    category_from_name,
    category_of,
    percent_in,
    read_percent,
    read_span,
    squeeze,
    stage_of,
    word_set,
)
from board.exchange.planner import Pending, Ref, RowPlan
from board.exchange.sheets import BLOCKERS, MILESTONES, PROJECTS
from board.i18n import t

if TYPE_CHECKING:
    from board.exchange.ledger.plan import Cells, Ledger

Action = Literal["added", "updated", "unchanged"]
PREVIEW_ROWS = 5  # the first rows the preview shows as board will store them
TEXTS = ("location", "owner", "responsible", "leader", "progress_note")
MONEY = ("total_investment", "year_plan_investment", "year_done_investment")
NO_PROBLEM = word_set("无 暂无 没有 无问题 暂无问题 无困难 无需协调 - -- / — 正常 正常推进")
ITEM = re.compile(r"(?:^|(?<=[\n；;。]))\s*(?:[①②③④⑤⑥⑦⑧⑨⑩]|\d{1,2}\s*[.、．)）](?!\d))\s*")
# A milestone item may start with its date right after its number: 1.2023年9月…, 2.12月….
MILESTONE_ITEM = re.compile(
    r"(?:^|(?<=[\n；;。]))\s*(?:[①②③④⑤⑥⑦⑧⑨⑩]|\d{1,2}\s*[.、．)）](?!\d)"
    r"|\d{1,2}\s*[.、．)）](?=\d{1,4}\s*[年月]))\s*"
)


def text_of(cells: Cells, key: str) -> str:
    try:
        return read_text(cells.raw(key))
    except BoardError as exc:
        cells.problem(key, exc.message)
        return ""


def progress(cells: Cells, values: dict[str, Any]) -> None:
    """形象进度 as a number, or a percentage inside 形象进度 / 项目进展情况 text."""
    if cells.column("progress") is not None and cells.text("progress"):
        try:
            values["progress"] = read_percent(cells.raw("progress"))
        except BoardError as exc:
            cells.problem("progress", exc.message)
    for key in ("progress_text", "progress_note"):
        text = text_of(cells, key)
        if not text:
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?%?", squeeze(text)):
            try:
                values.setdefault("progress", read_percent(text))
            except BoardError as exc:
                cells.problem(key, exc.message)
            continue
        values.setdefault("progress_note", text)
        found = percent_in(text)
        if found is not None:
            values.setdefault("progress", found)


def read_values(ledger: Ledger, cells: Cells) -> dict[str, Any]:
    """Every mapped, non-empty cell of the row in board's stored form."""
    values: dict[str, Any] = {}
    for key in TEXTS[:-1]:
        text = text_of(cells, key)
        if text:
            values[key] = text
    progress(cells, values)
    for key in MONEY:
        amount = cells.amount(key)
        if amount is not None:
            values[key] = amount
    for key, end in (("planned_start_on", False), ("started_on", False),
                     ("planned_complete_on", True)):  # fmt: skip
        day = cells.day(key, end=end) if cells.column(key) is not None else None
        if day:
            values[key] = day
    if cells.column("period") is not None and not cells.text("period"):
        cells.blank("period")
    elif cells.text("period"):
        try:
            start, stop = read_span(cells.raw("period"), cells.years)
            cells.shown("period", cells.raw("period"), start, stop)
            if start.iso:
                values.setdefault("planned_start_on", start.iso)
            if stop.iso:
                values.setdefault("planned_complete_on", stop.iso)
        except BoardError as exc:
            cells.problem("period", exc.message)
    for key, reader in (("stage", stage_of), ("category", category_of)):
        text = cells.text(key)
        if text:
            code = reader(text)
            if code is not None:
                values[key] = code
            else:
                cells.report.notes.append(
                    t(f"ledger.note.not_{key}", row=cells.row.number, value=text)
                )
    unit = cells.text("lead")
    if unit:
        ref, others = ledger.units.resolve(unit, cells.row.number)
        if ref is not None:
            values["lead_department_id"] = ref
        if others:
            cells.report.notes.append(
                t(
                    "ledger.note.co_units",
                    row=cells.row.number,
                    lead=ledger.units.name_of(ref),
                    others="、".join(others),
                )
            )
    return values


def identify(ledger: Ledger, cells: Cells, name: str, code: str) -> tuple[int | None, bool]:
    """(stored id or None for a new project, whether the row stops here: refused or a repeat)."""
    key = name_key(name)
    if repeated(ledger, cells, "projects", code or key):
        return None, True
    if code:
        if code in ledger.by_code:
            return ledger.by_code[code], False
        other = [ledger.projects[i]["code"] for i in ledger.by_name.get(key, [])]
        if other:
            cells.problem("code", t("ledger.code_clash", code=code, other="、".join(other)))
            return None, True
        return None, False
    ids = ledger.by_name.get(key, [])
    if len(ids) > 1:
        codes = "、".join(ledger.projects[i]["code"] for i in ids)
        cells.problem("name", t("ledger.ambiguous_project", name=name, codes=codes))
        return None, True
    return (ids[0] if ids else None), False


def stamp(ledger: Ledger, cells: Cells, values: dict[str, Any], old: dict[str, Any]) -> None:
    """A stage reached gets its day, as the edit mode does: for 开工 the ledger's 开工时间 and
    for 竣工 its 竣工时间 when that day has come, else the ledger's 截至 day (else today)."""
    stage = values.get("stage")
    if stage is None or stage == old.get("stage"):
        return
    column = STAGE_DATE_COLUMNS[stage]
    if old.get(column) or values.get(column):
        return
    day = (cells.table.context.as_of or ledger.today).isoformat()
    planned = {"started": "planned_start_on", "completed": "planned_complete_on"}.get(stage)
    given = values.get(planned) if planned else None
    values[column] = given if given and given <= day else day


def blocker_items(text: str) -> list[str]:
    """存在问题 as problems: one each when numbered (1. … 2. … / ① …), else the whole text."""
    if squeeze(text) in NO_PROBLEM or not text.strip():
        return []
    if ITEM.match(text):
        items = [i.strip(" ；;。\n") for i in ITEM.split(text)]
        return [i for i in items if i and squeeze(i) not in NO_PROBLEM]
    return [text.strip()]


def plan_blockers(ledger: Ledger, cells: Cells, ref: Ref, lead: Ref | None) -> None:
    for item in blocker_items(text_of(cells, "blocker")):
        key = (ref, content_key(item))
        if key in ledger.blocker_keys:
            cells.report.count("blockers", "unchanged")
            continue
        ledger.blocker_keys.add(key)
        values = {
            "project_id": ref,
            "department_id": lead,
            "category": blocker_category(item),
            "description": item,
            "opened_on": ledger.today.isoformat(),
        }
        ledger.plans["blockers"].append(
            RowPlan(BLOCKERS, cells.row.number, "added", None, values, Pending(BLOCKERS, 0))
        )
        cells.report.count("blockers", "added")


def milestone_items(text: str) -> list[str]:
    """关键节点安排 as milestones: one per numbered item or per line / ；-separated part."""
    if squeeze(text) in NO_PROBLEM or not text.strip():
        return []
    numbered = MILESTONE_ITEM.match(text)
    parts = MILESTONE_ITEM.split(text) if numbered else re.split(r"[\n；;]", text)
    items = [i.strip(" ；;。，,\n") for i in parts]
    return [i for i in items if i and squeeze(i) not in NO_PROBLEM]


def plan_milestones(ledger: Ledger, cells: Cells, ref: Ref, lead: Ref | None) -> None:
    """Each item of the row's 关键节点安排 a milestone of its project, due on the date it names
    (none when it names none); an item the project already has is left as it is."""
    for order, item in enumerate(milestone_items(text_of(cells, "milestones")), start=1):
        key = (ref, content_key(item))
        if key in ledger.milestone_keys:
            cells.report.count("milestones", "unchanged")
            continue
        ledger.milestone_keys.add(key)
        due = cells.day("milestones", end=True, value=item)
        if cells.bad:
            return
        values = {
            "project_id": ref,
            "department_id": lead,
            "name": item,
            "due_on": due,
            "sort_order": order * 10,
        }
        ledger.plans["milestones"].append(
            RowPlan(MILESTONES, cells.row.number, "added", None, values, Pending(MILESTONES, 0))
        )
        cells.report.count("milestones", "added")


def plan_row(ledger: Ledger, cells: Cells) -> None:
    report, row = cells.report, cells.row
    name, marks = clean_name(cells.raw("name"))
    for mark in marks:
        report.marks[mark] = report.marks.get(mark, 0) + 1
    if not name:
        cells.problem("name", t("err.empty", field=cells.header("name")))
        return
    code = "" if report.own_codes else re.sub(r"\s+", "", cells.text("code"))
    values = read_values(ledger, cells)
    stored, stopped = identify(ledger, cells, name, code)
    if stopped or cells.bad:
        return
    stage = values.get("stage") or row.stage
    if stored is not None:
        old = ledger.projects[stored]
        if code and name_key(old["name"]) != name_key(name):
            if not ledger.options.rename:
                reason = t("ledger.rename_refused", code=code, old=old["name"], new=name)
                cells.problem("name", reason)
                return
            values["name"] = name
        if stage and stage_index(stage) < stage_index(old["stage"]):
            kept = t(
                "ledger.note.stage_kept",
                row=row.number,
                code=old["code"],
                stored=t(f"stage.{old['stage']}"),
                ledger=t(f"stage.{stage}"),
            )
            report.notes.append(kept)
            values.pop("stage", None)
        elif stage:
            values["stage"] = stage
            stamp(ledger, cells, values, old)
        changes = {k: v for k, v in values.items() if isinstance(v, Pending) or old[k] != v}
        action: Action = "updated" if changes else "unchanged"
        ledger.plans["projects"].append(RowPlan(PROJECTS, row.number, action, stored, changes))
        report.count("projects", action)
        final = {**old, **changes}
        ref: Ref = stored
    else:
        category = values.get("category") or row.category
        if category is None:
            category = category_from_name(name)
            guess = t(f"category.{category}")
            report.notes.append(
                t("ledger.note.category_guess", row=row.number, name=name, category=guess)
            )
        if not code:
            code = ledger.codes.take(ledger.taken_codes)
        ledger.taken_codes.add(code)
        values |= {"code": code, "name": name, "category": category}
        if stage and stage != "signed":
            values["stage"] = stage
            stamp(ledger, cells, values, {"stage": "signed"})
        pending = Pending(PROJECTS, row.number)
        ledger.plans["projects"].append(
            RowPlan(PROJECTS, row.number, "added", None, values, pending)
        )
        ledger.new_projects[name_key(name)] = (pending, code, row.number)
        ledger.new_codes[code] = pending
        report.count("projects", "added")
        stored_keys = [(name_key(p["name"]), p) for p in ledger.projects.values()]
        for near in similar(name_key(name), stored_keys)[:1]:
            report.notes.append(
                t(
                    "ledger.note.similar",
                    row=row.number,
                    name=name,
                    code=near["code"],
                    other=near["name"],
                )
            )
        final = {"stage": "signed", "progress": 0, **values}
        ref = pending
        action = "added"
    if len(report.first) < PREVIEW_ROWS:
        report.first.append((row.number, action, final))
    plan_blockers(ledger, cells, ref, final.get("lead_department_id"))
    plan_milestones(ledger, cells, ref, final.get("lead_department_id"))
