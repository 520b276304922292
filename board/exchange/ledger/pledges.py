"""One row of a 表态事项督办清单 → a pledge (added or updated).

A pledge is its unit and its content: the same unit and content (normalised) is the same
pledge, so a list imported again changes nothing and next meeting's list updates the pledges
it repeats. 完成时限 is read with the list's year ("9月30日前" in a list 截至2023年9月26日 is
2023-09-30); 完成情况 gives the status (已完成（9月26日）: done on that day) and, when it says
more than a status, its words go to the note, as do 备注 and the other units of "A、B" (配合单位).
A new pledge is recorded at the current meeting, as board's own import does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from board.errors import BoardError
from board.exchange.cells import read_text
from board.exchange.ledger.matching import MARKS, content_key, repeated, similar
from board.exchange.ledger.units import split_units
from board.exchange.ledger.values import read_status
from board.exchange.planner import Pending, RowPlan
from board.exchange.sheets import PLEDGES
from board.i18n import t

if TYPE_CHECKING:
    from board.exchange.ledger.plan import Cells, Ledger

PREVIEW_ROWS = 5


def text_of(cells: Cells, key: str) -> str:
    try:
        return read_text(cells.raw(key))
    except BoardError as exc:
        cells.problem(key, exc.message)
        return ""


def status_values(cells: Cells, values: dict[str, Any], notes: list[str]) -> None:
    """完成情况 → status (and the done day it names); its other words into the note."""
    text = text_of(cells, "status")
    if not text:
        return
    try:
        status = read_status(cells.raw("status"), cells.years)
    except BoardError as exc:
        cells.problem("status", exc.message)
        return
    if status is None:
        return
    values["status"] = status.code
    if status.done_on.iso:
        cells.shown("status", cells.raw("status"), status.done_on)
        values["done_on"] = status.done_on.iso
    if status.more:
        notes.append(t("ledger.note_status", text=text))


def plan_row(ledger: Ledger, cells: Cells) -> None:
    report, row = cells.report, cells.row
    content = text_of(cells, "content").strip(MARKS + " \u3000")
    if not content:
        cells.problem("content", t("err.empty", field=cells.header("content")))
    unit = cells.text("department")
    if not unit and row.group and ledger.units.stored(row.group) is not None:
        unit = row.group  # a list grouped by unit: 一、招商局 over its pledges
    ref, others = ledger.units.resolve(unit, row.number) if unit else (None, [])
    if not unit:
        cells.problem("department", t("err.empty", field=cells.header("department")))
    values: dict[str, Any] = {}
    if cells.column("due_on") is not None:
        due = cells.day("due_on", end=True)
        if due:
            values["due_on"] = due
    notes: list[str] = []
    remark = text_of(cells, "note")
    if remark:
        notes.append(remark)
    status_values(cells, values, notes)
    if cells.text("done_on"):
        done = cells.day("done_on", end=True)
        if done:
            values["done_on"] = done
    others += split_units(cells.text("co_department"))
    if others:
        notes.append(t("ledger.note_co_units", units="、".join(others)))
    if notes:
        values["note"] = "；".join(notes)
    project = cells.text("project")
    if project:
        project_ref = ledger.project_ref(project)
        if project_ref is not None:
            values["project_id"] = project_ref
        else:
            report.notes.append(t("ledger.note.no_project", row=row.number, project=project))
    if cells.bad or ref is None or not content:
        return
    key = (ref if isinstance(ref, int) else id(ref), content_key(content))
    if repeated(ledger, cells, "pledges", key):
        return
    ids = ledger.pledge_keys.get(key, []) if isinstance(ref, int) else []
    if len(ids) > 1:
        listed = "、".join(f"#{i}" for i in ids)
        cells.problem("content", t("ledger.ambiguous_pledge", ids=listed))
        return
    done_day = (cells.table.context.as_of or ledger.today).isoformat()
    if ids:
        old = ledger.pledges[ids[0]]
        status = values.get("status")
        if status == "done" and not values.get("done_on"):
            values["done_on"] = old["done_on"] or done_day
        elif status and status != "done" and "done_on" not in values and old["done_on"]:
            values["done_on"] = None  # reopened: no longer done on a day
        changes = {k: v for k, v in values.items() if isinstance(v, Pending) or old[k] != v}
        action: Literal["added", "updated", "unchanged"] = "updated" if changes else "unchanged"
        ledger.plans["pledges"].append(RowPlan(PLEDGES, row.number, action, ids[0], changes))
        final = {**old, **changes}
    else:
        values.setdefault("status", "open")
        if values["status"] == "done" and not values.get("done_on"):
            values["done_on"] = done_day
        values |= {"department_id": ref, "content": content, "meeting_id": ledger.latest_meeting}
        action = "added"
        ledger.plans["pledges"].append(
            RowPlan(PLEDGES, row.number, "added", None, values, Pending(PLEDGES, row.number))
        )
        final = values
        if isinstance(ref, int):
            same_unit = [
                (content_key(p["content"]), p)
                for p in ledger.pledges.values()
                if p["department_id"] == ref
            ]
            for near in similar(key[1], same_unit)[:1]:
                report.notes.append(t("ledger.note.similar_pledge", row=row.number, id=near["id"],
                                      content=near["content"]))  # fmt: skip
    report.count("pledges", action)
    if len(report.first) < PREVIEW_ROWS:
        report.first.append((row.number, action, final))
