"""Writing milestones (关键节点): add one to a project, change it, mark it done.

Through the same write layer as every other change (`board.store.writer`): references resolved
by code or name with candidates listed, and version-checked updates.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select

from board.store import models as m
from board.store.writer import (
    Change,
    guarded_update,
    require_row,
    resolve_department,
    resolve_project,
)

milestones: Table = m.Base.metadata.tables["milestones"]


def add_milestone(
    conn: Connection,
    project: str | int,
    name: str,
    due_on: str | None,
    department: str | int | None = None,
    note: str | None = None,
    sort_order: int | None = None,
) -> Change:
    """A new milestone at the end of the project's timeline (unless `sort_order` says)."""
    project_id, code = resolve_project(conn, project)
    dept_id, dept_name = resolve_department(conn, department) if department else (None, None)
    if sort_order is None:
        last = conn.execute(
            select(func.max(milestones.c.sort_order)).where(milestones.c.project_id == project_id)
        ).scalar()
        sort_order = (int(last) + 10) if last is not None else 10
    values = {
        "project_id": project_id,
        "name": name,
        "due_on": due_on,
        "department_id": dept_id,
        "note": note,
        "sort_order": sort_order,
    }
    new_id = conn.execute(insert(milestones).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    shown = {"project": code, "name": name, "due_on": due_on, "department": dept_name}
    return Change("added", "milestones", int(new_id), {**shown, "note": note})


def set_milestone(
    conn: Connection,
    milestone_id: int,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Change:
    """Change a milestone's name, deadline, unit, note or order (department by name)."""
    changes = dict(changes)
    if "department" in changes:
        ref = changes.pop("department")
        changes["department_id"] = resolve_department(conn, ref)[0] if ref else None
    return guarded_update(conn, milestones, "milestone", milestone_id, changes, expected_version)


def milestone_done(
    conn: Connection, milestone_id: int, on: date, note: str | None = None
) -> Change:
    """Done on `on`; one already done keeps the day it was done (a note may be added)."""
    current = require_row(conn, milestones, milestone_id, "milestone")
    changes: dict[str, Any] = {"done_on": current["done_on"] or on.isoformat()}
    if note is not None:
        changes["note"] = note
    change = guarded_update(conn, milestones, "milestone", milestone_id, changes, None)
    return Change(
        "done" if change.action == "updated" else change.action,
        "milestones",
        milestone_id,
        change.fields,
    )
