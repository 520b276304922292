"""`board milestone add|done|set|list`: a project's 关键节点 from the command line.

Like the other write commands: every value checked first, one short transaction through the
write layer, one line saying what changed (`--json` for scripts).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from board.cli.params import DEFAULT_DB, DateType, db_option, today_of
from board.cli.writes import department_id, json_option, load_board, run
from board.config import DisplayOptions
from board.i18n import t
from board.store import milestones as ms
from board.store.location import Where
from board.store.values import check_text


@click.group(help="help.cmd.milestone")
def milestone() -> None:
    pass


@milestone.command("add", help="help.cmd.milestone_add")
@db_option(DEFAULT_DB)
@click.option("--due", required=True, type=DateType(), help="help.milestone.due")
@click.option("--dept", help="help.milestone.dept")
@click.option("--note", help="help.opt.note")
@json_option
@click.argument("project_ref")
@click.argument("name")
def milestone_add(
    db: Where,
    due: date,
    dept: str | None,
    note: str | None,
    as_json: bool,
    project_ref: str,
    name: str,
) -> None:
    text = check_text(name, t("field.milestone"))
    run(db, lambda c: ms.add_milestone(c, project_ref, text, due.isoformat(), dept, note), as_json)


@milestone.command("done", help="help.cmd.milestone_done")
@db_option(DEFAULT_DB)
@click.option("--note", help="help.opt.note")
@json_option
@click.argument("milestone_id", type=int)
@click.pass_obj
def milestone_done(
    options: DisplayOptions | None, db: Where, note: str | None, as_json: bool, milestone_id: int
) -> None:
    day = today_of(options)
    run(db, lambda c: ms.milestone_done(c, milestone_id, day, note), as_json)


@milestone.command("set", help="help.cmd.milestone_set")
@db_option(DEFAULT_DB)
@click.option("--name", help="help.milestone.name")
@click.option("--due", type=DateType(), help="help.milestone.due")
@click.option("--dept", help="help.milestone.dept")
@click.option("--note", help="help.opt.note")
@click.option("--undone", is_flag=True, help="help.milestone.undone")
@json_option
@click.argument("milestone_id", type=int)
def milestone_set(
    db: Where,
    name: str | None,
    due: date | None,
    dept: str | None,
    note: str | None,
    undone: bool,
    as_json: bool,
    milestone_id: int,
) -> None:
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = check_text(name, t("field.milestone"))
    if due is not None:
        changes["due_on"] = due.isoformat()
    if dept is not None:
        changes["department"] = dept
    if note is not None:
        changes["note"] = note
    if undone:
        changes["done_on"] = None
    run(db, lambda c: ms.set_milestone(c, milestone_id, changes), as_json)


@milestone.command("list", help="help.cmd.milestone_list")
@db_option(DEFAULT_DB)
@click.option("--overdue", is_flag=True, help="help.milestone.overdue")
@click.option("--week", is_flag=True, help="help.milestone.week")
@click.option("--dept", help="help.milestone.list_dept")
@json_option
@click.pass_obj
def milestone_list(
    options: DisplayOptions | None,
    db: Where,
    overdue: bool,
    week: bool,
    dept: str | None,
    as_json: bool,
) -> None:
    from rich.cells import cell_len

    from board.domain.status import DEFAULT_THRESHOLDS, Light
    from board.ui.text import light_text, pad
    from board.view.words import clean, days_phrase

    board = load_board(db, today_of(options))
    dept_id = department_id(db, dept)
    horizon = DEFAULT_THRESHOLDS.milestone_warn_days
    rows = []
    for project in board.snapshot.projects:
        for item in board.status.milestones_by_project.get(project.id, ()):
            light = board.status.milestones[item.id]
            if overdue and light is not Light.RED:
                continue
            if week and not (
                not item.is_done
                and item.due_on is not None
                and (item.due_on - board.today).days <= horizon
            ):
                continue
            if dept_id is not None and item.department_id != dept_id:
                continue
            rows.append((item, project, light))
    rows.sort(key=lambda r: (-r[2].severity, r[0].due_on or date.max, r[0].id))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": item.id,
                        "project": project.code,
                        "name": item.name,
                        "due_on": item.due_on.isoformat() if item.due_on else None,
                        "department": board.department_name(item.department_id),
                        "done_on": item.done_on.isoformat() if item.done_on else None,
                        "light": light.value,
                    }
                    for item, project, light in rows
                ],
                ensure_ascii=False,
            )
        )
        return

    def when(item: Any) -> str:
        if item.is_done:
            return t("milestone.done_on", date=item.done_on.isoformat())
        return days_phrase(item.due_on, board.today)

    when_width = max((cell_len(when(i)) for i, _p, _l in rows), default=0)
    unit_width = max(
        (cell_len(clean(board.department_name(i.department_id)) or "—") for i, _p, _l in rows),
        default=0,
    )
    for item, project, light in rows:
        unit = clean(board.department_name(item.department_id)) or "—"
        click.echo(
            f"{item.id:>5}  {light_text(light).plain} {pad(when(item), when_width)}  "
            f"{pad(unit, unit_width)}  {clean(project.code)} {clean(project.name)} · "
            f"{clean(item.name)}"
        )


COMMANDS = (milestone,)
