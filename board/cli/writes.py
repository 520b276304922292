"""`board pledge|project|blocker|meeting ...`: writing the shared file from the command line.

Each command checks every value first (nothing is written when one is bad), writes through
`board.store.writer` in one short transaction, and prints one line saying what changed, or a
JSON object with `--json`. The database is `--db`, else `$BOARD_DB`, else data/board.db.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import click

from board.cli.params import DEFAULT_DB, DateType, chosen_db, db_option, today_of
from board.config import DisplayOptions
from board.domain.codes import STAGE_DATE_COLUMNS
from board.errors import BoardError
from board.i18n import t
from board.store import writer as w
from board.store.location import Where
from board.store.values import (
    check_code,
    check_date,
    check_money,
    check_optional_date,
    check_progress,
    check_text,
)

json_option = click.option("--json", "as_json", is_flag=True, help="help.opt.json")


def report(change: w.Change, as_json: bool) -> None:
    """One line per change (or one JSON object)."""
    if as_json:
        click.echo(json.dumps(change.as_json(), ensure_ascii=False, default=str))
        return
    from board.view.words import clean

    what = t(f"table.{change.table}")
    fields = t("reply.sep").join(
        # Values are echoed as typed: fold line breaks and control characters into one line.
        t("reply.field", name=field_name(k), value=" ".join(clean(field_value(k, v)).split()))
        for k, v in change.fields.items()
        if v is not None and not k.endswith("_id")
    )
    click.echo(t(f"write.{change.action}", what=what, id=change.row_id, fields=fields or "—"))


# A reply names each field as the board does, and a code by its word (状态=已完成, not status=done).
CODE_FIELDS = {"status": "status", "stage": "stage", "category": "category"}


def field_name(key: str) -> str:
    name = t(f"reply.{key}")
    return key if name == f"reply.{key}" else name


def field_value(key: str, value: object) -> str:
    prefix = CODE_FIELDS.get(key)
    if prefix is not None:
        word = t(f"{prefix}.{value}")
        if word != f"{prefix}.{value}":
            return word
    return str(value)


def run(db: Where, work: Callable[[Any], w.Change], as_json: bool) -> None:
    with w.Writer(chosen_db(db)) as writer:
        change = writer.run(work)
    report(change, as_json)


# pledge ---------------------------------------------------------------------------------------


@click.group(help="help.cmd.pledge")
def pledge() -> None:
    """表态: add, close, change and list pledges."""


@pledge.command("add", help="help.cmd.pledge_add")
@db_option(DEFAULT_DB)
@click.option("--dept", required=True, help="help.pledge.dept")
@click.option("--due", required=True, type=DateType(), help="help.opt.due")
@click.option("--project", help="help.pledge.project")
@click.option("--meeting", type=int, help="help.opt.meeting")
@click.option("--note", help="help.opt.note")
@json_option
@click.argument("content")
@click.pass_obj
def pledge_add(
    options: DisplayOptions | None,
    db: Where,
    dept: str,
    due: date,
    project: str | None,
    meeting: int | None,
    note: str | None,
    as_json: bool,
    content: str,
) -> None:
    """Add a pledge: board pledge add --dept 土地局 --due 2023-10-15 "内容"."""
    text = check_text(content, t("field.content"))
    run(
        db,
        lambda c: w.add_pledge(
            c, dept, text, due.isoformat(), project, meeting, note=note, today=today_of(options)
        ),
        as_json,
    )


@pledge.command("done", help="help.cmd.pledge_done")
@db_option(DEFAULT_DB)
@click.option("--note", help="help.opt.note")
@json_option
@click.argument("pledge_id", type=int)
@click.pass_obj
def pledge_done(
    options: DisplayOptions | None, db: Where, note: str | None, as_json: bool, pledge_id: int
) -> None:
    """Mark a pledge done (销号)."""
    changes: dict[str, Any] = {"status": "done", "done_on": today_of(options).isoformat()}
    if note is not None:
        changes["note"] = note
    run(db, lambda c: set_pledge_keeping_done_on(c, pledge_id, changes), as_json)


def set_pledge_keeping_done_on(conn: Any, pledge_id: int, changes: dict[str, Any]) -> w.Change:
    """Marking an already done pledge done again keeps the day it was done (no re-dating)."""
    if changes.get("status") == "done":
        current = w.require_row(conn, w.pledges, pledge_id, "pledge")
        if current["status"] == "done" and current["done_on"]:
            changes = {**changes, "done_on": current["done_on"]}
    return w.set_pledge(conn, pledge_id, changes)


@pledge.command("set", help="help.cmd.pledge_set")
@db_option(DEFAULT_DB)
@click.option("--status", help="help.pledge.status")
@click.option("--due", type=DateType(), help="help.opt.due")
@click.option("--content", help="help.pledge.content")
@click.option("--note", help="help.opt.note")
@json_option
@click.argument("pledge_id", type=int)
@click.pass_obj
def pledge_set(
    options: DisplayOptions | None,
    db: Where,
    status: str | None,
    due: date | None,
    content: str | None,
    note: str | None,
    as_json: bool,
    pledge_id: int,
) -> None:
    """Change a pledge's status, due date, content or note."""
    changes: dict[str, Any] = {}
    if status is not None:
        changes["status"] = check_code(status, "status")
        if changes["status"] == "done":
            changes["done_on"] = today_of(options).isoformat()
    if due is not None:
        changes["due_on"] = due.isoformat()
    if content is not None:
        changes["content"] = check_text(content, t("field.content"))
    if note is not None:
        changes["note"] = note
    run(db, lambda c: set_pledge_keeping_done_on(c, pledge_id, changes), as_json)


@pledge.command("list", help="help.cmd.pledge_list")
@db_option(DEFAULT_DB)
@click.option("--dept", help="help.pledge.list_dept")
@click.option("--overdue", is_flag=True, help="help.pledge.overdue")
@json_option
@click.pass_obj
def pledge_list(
    options: DisplayOptions | None, db: Where, dept: str | None, overdue: bool, as_json: bool
) -> None:
    """List pledges, most urgent first."""
    from board.domain.status import Light
    from board.view.selections import ViewState, select_departments

    board = load_board(db, today_of(options))
    state = ViewState(department_id=department_id(db, dept))
    rows = []
    for card in select_departments(board, state):
        for p in card.pledges:
            light = board.status.pledges[p.id]
            if overdue and light is not Light.RED:
                continue
            rows.append((p, card.department.name, light))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": p.id,
                        "department": name,
                        "content": p.content,
                        "status": p.status,
                        "due_on": p.due_on.isoformat() if p.due_on else None,
                        "light": light.value,
                    }
                    for p, name, light in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    from rich.cells import cell_len

    from board.domain.snapshot import Pledge
    from board.ui.text import light_text, pad
    from board.view.words import clean, days_phrase

    def when_of(p: Pledge) -> str:
        return t(f"status.{p.status}") if p.is_closed else days_phrase(p.due_on, board.today)

    # Columns as wide as their widest entry: no word or number is ever cut.
    when_width = max((cell_len(when_of(p)) for p, _n, _l in rows), default=0)
    name_width = max((cell_len(clean(name)) for _p, name, _l in rows), default=0)
    for p, name, light in rows:
        due = p.due_on.isoformat() if p.due_on else "—"
        click.echo(
            f"{p.id:>5}  {light_text(light).plain} {due:<10}  "
            f"{pad(when_of(p), when_width)}  {pad(clean(name), name_width)}  {clean(p.content)}"
        )


def department_id(db: Where, dept: str | None) -> int | None:
    """The id of the unit a `--dept` names (by name, short name or id), None without one."""
    if not dept:
        return None
    with w.Writer(chosen_db(db)) as writer:
        return int(writer.run(lambda c: w.resolve_department(c, dept))[0])


def load_board(db: Where, today: date) -> Any:
    """Read the file once (read-only) into a Board, as the display would."""
    from board.store.schema import check_file
    from board.store.source import SnapshotSource
    from board.view.board import Board

    path = chosen_db(db)
    check_file(path)
    source = SnapshotSource(path)
    try:
        snapshot = source.poll(force=True)
    finally:
        source.close()
    assert snapshot is not None
    return Board.build(snapshot, today)


# project --------------------------------------------------------------------------------------


def stage_dates(values: tuple[str, ...]) -> dict[str, str]:
    """--stage-date started=2023-10-01 (repeatable) → {started_on: ...}."""
    out: dict[str, str] = {}
    for item in values:
        stage, sep, day = item.partition("=")
        if not sep:
            raise BoardError(t("err.bad_stage_date", value=item), kind="value")
        out[STAGE_DATE_COLUMNS[check_code(stage, "stage")]] = check_date(day)
    return out


@click.group(help="help.cmd.project")
def project() -> None:
    """重点项目: add, change and list projects."""


@project.command("add", help="help.cmd.project_add")
@db_option(DEFAULT_DB)
@click.option("--code", required=True, help="help.project.code")
@click.option("--name", required=True, help="help.project.name")
@click.option("--category", required=True, help="help.project.category")
@click.option("--stage", default="signed", show_default=True, help="help.project.stage")
@click.option("--progress", default="0", help="help.project.progress")
@click.option("--lead", help="help.project.lead")
@click.option("--responsible", help="help.project.responsible")
@click.option("--leader", help="help.project.leader")
@click.option("--owner", help="help.project.owner")
@click.option("--location", help="help.project.location")
@click.option("--total", "total_investment", help="help.project.total")
@click.option("--year-plan", "year_plan_investment", help="help.project.year_plan")
@click.option("--year-done", "year_done_investment", help="help.project.year_done")
@click.option("--note", "progress_note", help="help.project.note")
@click.option("--planned-start", "planned_start_on", help="help.project.planned_start")
@click.option("--planned-complete", "planned_complete_on", help="help.project.planned_complete")
@click.option("--stage-date", "stage_date", multiple=True, help="help.project.stage_date")
@json_option
def project_add(db: Where, as_json: bool, stage_date: tuple[str, ...], **values: Any) -> None:
    """Add a project."""
    row: dict[str, Any] = {
        "code": check_text(values["code"], t("field.code")),
        "name": check_text(values["name"], t("field.name")),
        "category": check_code(values["category"], "category"),
        "stage": check_code(values["stage"], "stage"),
        "progress": check_progress(values["progress"]),
        "lead": values["lead"],
        "progress_note": values["progress_note"],
        "planned_start_on": check_optional_date(values["planned_start_on"]),
        "planned_complete_on": check_optional_date(values["planned_complete_on"]),
    }
    for key in ("responsible", "leader", "owner", "location"):
        row[key] = values[key]
    for key in ("total_investment", "year_plan_investment", "year_done_investment"):
        row[key] = check_money(values[key])
    row.update(stage_dates(stage_date))
    run(db, lambda c: w.add_project(c, row), as_json)


@project.command("set", help="help.cmd.project_set")
@db_option(DEFAULT_DB)
@click.option("--stage", help="help.project.stage")
@click.option("--progress", help="help.project.progress")
@click.option("--note", "progress_note", help="help.project.note")
@click.option("--name", help="help.project.new_name")
@click.option("--lead", help="help.project.lead")
@click.option("--year-done", "year_done_investment", help="help.project.year_done")
@click.option("--stage-date", "stage_date", multiple=True, help="help.project.stage_date")
@json_option
@click.argument("ref")
@click.pass_obj
def project_set(
    options: DisplayOptions | None,
    db: Where,
    stage: str | None,
    progress: str | None,
    progress_note: str | None,
    name: str | None,
    lead: str | None,
    year_done_investment: str | None,
    stage_date: tuple[str, ...],
    as_json: bool,
    ref: str,
) -> None:
    """Change a project's stage, progress, note...: board project set KF-01 --progress 60."""
    changes: dict[str, Any] = {}
    if stage is not None:
        changes["stage"] = check_code(stage, "stage")
    if progress is not None:
        changes["progress"] = check_progress(progress)
    if progress_note is not None:
        changes["progress_note"] = progress_note
    if name is not None:
        changes["name"] = check_text(name, t("field.name"))
    if lead is not None:
        changes["lead"] = lead
    if year_done_investment is not None:
        changes["year_done_investment"] = check_money(year_done_investment)
    changes.update(stage_dates(stage_date))
    day = today_of(options).isoformat()

    def work(conn: Any) -> w.Change:
        if "stage" in changes:
            # Reaching a stage without a date for it stamps today, as a secretary would.
            column = STAGE_DATE_COLUMNS[changes["stage"]]
            project_id = w.resolve_project(conn, ref)[0]
            current = w.require_row(conn, w.projects, project_id, "project")
            if column not in changes and not current[column]:
                changes[column] = day
        return w.set_project(conn, ref, changes)

    run(db, work, as_json)


@project.command("list", help="help.cmd.project_list")
@db_option(DEFAULT_DB)
@click.option(
    "--light", type=click.Choice(["red", "amber", "green", "done"]), help="help.project.light"
)
@json_option
@click.pass_obj
def project_list(
    options: DisplayOptions | None, db: Where, light: str | None, as_json: bool
) -> None:
    """List projects, worst light first."""
    from board.ui.text import light_text, pad
    from board.view.selections import ViewState, select_projects
    from board.view.words import clean, pipeline

    board = load_board(db, today_of(options))
    rows = [
        p
        for p in select_projects(board, ViewState())
        if light is None or board.project_light(p.id).value == light
    ]
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": p.id,
                        "code": p.code,
                        "name": p.name,
                        "stage": p.stage,
                        "progress": p.progress,
                        "light": board.project_light(p.id).value,
                    }
                    for p in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    from rich.cells import cell_len

    code_width = max((cell_len(clean(p.code)) for p in rows), default=0)
    for p in rows:
        lit = board.project_light(p.id)
        click.echo(
            f"{pad(clean(p.code), code_width)} {light_text(lit).plain} "
            f"{pipeline(p.stage)} {p.progress:>3}%  {clean(p.name)}"
        )


# blocker and meeting ------------------------------------------------------------------------


@click.group(help="help.cmd.blocker")
def blocker() -> None:
    """问题清单: open and resolve blockers."""


@blocker.command("add", help="help.cmd.blocker_add")
@db_option(DEFAULT_DB)
@click.option("--category", required=True, help="help.blocker.category")
@click.option("--dept", help="help.blocker.dept")
@click.option("--due", type=DateType(), help="help.blocker.due")
@json_option
@click.argument("project_ref")
@click.argument("description")
@click.pass_obj
def blocker_add(
    options: DisplayOptions | None,
    db: Where,
    category: str,
    dept: str | None,
    due: date | None,
    as_json: bool,
    project_ref: str,
    description: str,
) -> None:
    """Open a blocker on a project: board blocker add KF-03 --category land --dept 土地局 "描述"."""
    code = check_code(category, "blocker")
    text = check_text(description, t("field.description"))
    opened = today_of(options).isoformat()
    run(
        db,
        lambda c: w.add_blocker(
            c, project_ref, code, dept, text, due.isoformat() if due else None, opened
        ),
        as_json,
    )


@blocker.command("resolve", help="help.cmd.blocker_resolve")
@db_option(DEFAULT_DB)
@click.option("--note", help="help.blocker.note")
@json_option
@click.argument("blocker_id", type=int)
@click.pass_obj
def blocker_resolve(
    options: DisplayOptions | None, db: Where, note: str | None, as_json: bool, blocker_id: int
) -> None:
    """Resolve (销号) a blocker."""
    day = today_of(options).isoformat()
    run(db, lambda c: w.resolve_blocker(c, blocker_id, note, day), as_json)


@click.group(help="help.cmd.meeting")
def meeting() -> None:
    """调度会: record a meeting (new pledges attach to the latest one)."""


@meeting.command("new", help="help.cmd.meeting_new")
@db_option(DEFAULT_DB)
@click.option("--title", required=True, help="help.meeting.title")
@click.option("--date", "held_on", type=DateType(), help="help.meeting.date")
@json_option
@click.pass_obj
def meeting_new(
    options: DisplayOptions | None, db: Where, title: str, held_on: date | None, as_json: bool
) -> None:
    """Record a meeting held on --date (default today)."""
    text = check_text(title, t("field.title"))
    day = (held_on or today_of(options)).isoformat()
    run(db, lambda c: w.new_meeting(c, text, day), as_json)


COMMANDS = (pledge, project, blocker, meeting)
