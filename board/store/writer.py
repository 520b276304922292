"""The one write layer: every change from the CLI, the importer and the edit mode goes here.

Short `BEGIN IMMEDIATE` transactions with a busy timeout, retried a bounded number of times
when SQLite still says busy; references resolved by name, short name, code or id with the
candidates listed when they do not resolve; and optimistic concurrency: an edit that carries
the row version it was made against is refused, with both values, if the row moved meanwhile.
On PostgreSQL the same units run in REPEATABLE READ transactions (board.store.pg), retried
whole when the server reports a serialization failure, a deadlock or a lock it could not get.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from board.errors import BoardError
from board.i18n import t
from board.store import models as m
from board.store.engine import explain, make_engine
from board.store.location import Where, is_server
from board.store.pg import is_lost, is_retryable
from board.store.schema import check_file

T = TypeVar("T")
RETRIES = 6
BUSY_SECONDS = 5.0

departments: Table = m.Base.metadata.tables["departments"]
projects: Table = m.Base.metadata.tables["projects"]
pledges: Table = m.Base.metadata.tables["pledges"]
blockers: Table = m.Base.metadata.tables["blockers"]
milestones: Table = m.Base.metadata.tables["milestones"]
meetings: Table = m.Base.metadata.tables["meetings"]


class ConflictError(BoardError):
    """Someone else changed the row since the editor read it: nothing was written."""

    def __init__(
        self,
        what: str,
        row_id: int,
        field_name: str,
        theirs: Any,
        yours: Any,
        current: Mapping[str, Any],
    ) -> None:
        super().__init__(
            t("err.conflict", what=t(f"what.{what}"), field=field_name, theirs=theirs, yours=yours),
            kind="conflict",
        )
        self.what = what
        self.row_id = row_id
        self.field_name = field_name
        self.theirs = theirs
        self.yours = yours
        self.current = dict(current)


@dataclass(frozen=True)
class Change:
    """What a write did, for the one-line report and `--json`."""

    action: str  # added, updated, unchanged, done, resolved
    table: str
    row_id: int
    fields: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"action": self.action, "table": self.table, "id": self.row_id, **self.fields}


def is_busy(exc: BaseException) -> bool:
    """SQLite busy or locked; on PostgreSQL a serialization failure or deadlock, or a
    connection cut before the commit (nothing was written: running the unit again is safe)."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "locked" in text or "busy" in text or is_retryable(exc) or is_lost(exc)


def recover_hot_journal(path: Path, busy_timeout_ms: int) -> None:
    """A writer killed mid-transaction (DELETE journal) leaves a hot journal that only a
    read-write connection may roll back; the first read of one does. Open one briefly so the
    checks that follow (read-only) see a clean file."""
    if not Path(f"{path}-journal").exists():
        return
    with contextlib.suppress(sqlite3.Error):
        raw = sqlite3.connect(path, timeout=busy_timeout_ms / 1000)
        try:
            raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            raw.close()


class Writer:
    """Opens the file for writing (after the same checks as the display) and runs units of work."""

    def __init__(self, path: Where, *, busy_timeout_ms: int = 5000, retries: int = RETRIES) -> None:
        if not is_server(path):
            recover_hot_journal(path, busy_timeout_ms)
        check_file(path)
        self.path = path
        self.retries = retries
        self.engine: Engine = make_engine(path, read_only=False, busy_timeout_ms=busy_timeout_ms)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def fold_wal(self) -> None:
        """Fold our commit back into the main file and empty the WAL. A display keeps the file
        open, so a writer is never the last connection and its frames would stay in `-wal`;
        a sync tool that then replaces `board.db` would have SQLite lay those old frames over
        the new file. Best effort: a reader mid-read just leaves it for next time."""
        if is_server(self.path) or not Path(f"{self.path}-wal").exists():
            return
        with contextlib.suppress(sqlite3.Error):
            raw = sqlite3.connect(self.path, timeout=0.2, isolation_level=None)
            try:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                raw.close()

    def vacuum(self) -> None:
        """Give the space of deleted rows back to the disk (VACUUM: outside any transaction,
        briefly exclusive; the displays' short reads wait on the busy timeout). On a server,
        VACUUM outside a transaction, which needs autocommit."""
        if is_server(self.path):
            try:
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM")
            except DBAPIError as exc:
                raise explain(exc, self.path) from exc
            return
        try:
            raw = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            try:
                raw.execute("VACUUM")
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        except sqlite3.Error as exc:
            raise explain(exc, self.path) from exc

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one IMMEDIATE transaction; retry it whole while SQLite says busy (on
        PostgreSQL: while the server says another transaction got there first)."""
        retries = self.retries * 3 if is_server(self.path) else self.retries
        for attempt in range(1, retries + 1):
            try:
                with self.engine.begin() as conn:
                    result = work(conn)
                self.fold_wal()
                return result
            except IntegrityError as exc:
                raise BoardError(t("err.integrity", detail=exc.orig), kind="value") from exc
            except DBAPIError as exc:
                if not is_busy(exc):
                    raise explain(exc, self.path) from exc
                if attempt == retries:
                    raise BoardError(
                        t("err.busy", tries=attempt, path=self.path), kind="locked"
                    ) from exc
                time.sleep(min(2.0, 0.05 * 2 ** min(attempt, 6)) * (0.5 + random.random()))
        raise AssertionError("unreachable")


# References ---------------------------------------------------------------------------------


def resolve_department(conn: Connection, ref: str | int) -> tuple[int, str]:
    """A department by id, full name or short name; unknown or ambiguous refs are refused."""
    rows = conn.execute(
        select(departments.c.id, departments.c.name, departments.c.short_name)
    ).all()
    text = str(ref).strip()
    if text.isdigit():
        for row in rows:
            if row.id == int(text):
                return row.id, row.name
    exact = [r for r in rows if r.name == text]
    if exact:
        return exact[0].id, exact[0].name
    short = [r for r in rows if r.short_name == text]
    if len(short) == 1:
        return short[0].id, short[0].name
    partial = short or [r for r in rows if text and text in r.name]
    if len(partial) == 1:
        return partial[0].id, partial[0].name
    if partial:
        names = "、".join(r.name for r in partial[:10])
        raise BoardError(t("err.ambiguous_department", ref=text, candidates=names), kind="value")
    names = "、".join(r.name for r in rows[:20]) + ("…" if len(rows) > 20 else "")
    raise BoardError(t("err.unknown_department", ref=text, candidates=names or "—"), kind="value")


def resolve_project(conn: Connection, ref: str | int) -> tuple[int, str]:
    """A project by code (exact) or id."""
    text = str(ref).strip()
    row = conn.execute(
        select(projects.c.id, projects.c.code).where(projects.c.code == text)
    ).first()
    if row is None and text.isdigit():
        row = conn.execute(
            select(projects.c.id, projects.c.code).where(projects.c.id == int(text))
        ).first()
    if row is None:
        like = (
            conn.execute(select(projects.c.code).where(projects.c.code.contains(text)).limit(8))
            .scalars()
            .all()
            or conn.execute(select(projects.c.code).limit(5)).scalars().all()
        )
        raise BoardError(
            t("err.unknown_project", ref=text, candidates="、".join(like) or "—"), kind="value"
        )
    return row.id, row.code


def require_row(conn: Connection, table: Table, row_id: int, what: str) -> Mapping[str, Any]:
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if row is None:
        raise BoardError(t(f"err.unknown_{what}", ref=row_id, candidates="—"), kind="value")
    return dict(row)


def latest_meeting(conn: Connection, today: date | None = None) -> int | None:
    """The current meeting's id: the latest held on or before `today` (default: the real
    day). A meeting planned for a later day takes no pledges until it is held."""
    day = (today or date.today()).isoformat()
    return conn.execute(
        select(meetings.c.id)
        .where(meetings.c.held_on <= day)
        .order_by(meetings.c.held_on.desc(), meetings.c.id.desc())
        .limit(1)
    ).scalar()


def now_local() -> str:
    """The same local timestamp format the triggers write."""
    return time.strftime("%Y-%m-%d %H:%M:%S")


# Units of work ------------------------------------------------------------------------------


def guarded_update(
    conn: Connection,
    table: Table,
    what: str,
    row_id: int,
    changes: Mapping[str, Any],
    expected_version: int | None,
) -> Change:
    """Apply `changes` to one row; with `expected_version`, refuse if the row moved meanwhile."""
    current = require_row(conn, table, row_id, what)
    if expected_version is not None and current["version"] != expected_version:
        field_name, yours = (
            next(iter(changes.items())) if changes else ("version", expected_version)
        )
        for name, value in changes.items():
            if current[name] != value:
                field_name, yours = name, value
                break
        raise ConflictError(what, row_id, field_name, current[field_name], yours, current)
    real = {k: v for k, v in changes.items() if current[k] != v}
    if not real:
        return Change("unchanged", table.name, row_id)
    stmt = update(table).where(table.c.id == row_id)
    if expected_version is not None:
        stmt = stmt.where(table.c.version == expected_version)
    stamp = {"updated_at": now_local()} if "updated_at" in table.c else {}
    conn.execute(stmt.values(**real, **stamp, version=current["version"] + 1))
    return Change("updated", table.name, row_id, real)


def add_pledge(
    conn: Connection,
    department: str | int,
    content: str,
    due_on: str | None,
    project: str | None = None,
    meeting_id: int | None = None,
    status: str = "open",
    note: str | None = None,
    today: date | None = None,
) -> Change:
    dept_id, dept_name = resolve_department(conn, department)
    project_id = resolve_project(conn, project)[0] if project else None
    if meeting_id is not None:
        require_row(conn, meetings, meeting_id, "meeting")
    else:
        meeting_id = latest_meeting(conn, today)
    values = {
        "department_id": dept_id,
        "project_id": project_id,
        "meeting_id": meeting_id,
        "content": content,
        "due_on": due_on,
        "status": status,
        "note": note,
    }
    new_id = conn.execute(insert(pledges).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    return Change("added", "pledges", int(new_id), {"department": dept_name, **values})


def set_pledge(
    conn: Connection,
    pledge_id: int,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Change:
    changes = dict(changes)
    if changes.get("status") == "done" and "done_on" not in changes:
        changes["done_on"] = date.today().isoformat()
    elif "status" in changes and changes["status"] != "done":
        changes.setdefault("done_on", None)
    return guarded_update(conn, pledges, "pledge", pledge_id, changes, expected_version)


def add_project(conn: Connection, values: Mapping[str, Any]) -> Change:
    code = values["code"]
    exists = conn.execute(select(projects.c.id).where(projects.c.code == code)).first()
    if exists is not None:
        raise BoardError(t("err.duplicate_code", code=code), kind="value")
    row = dict(values)
    lead = row.pop("lead", None)
    if lead:
        row["lead_department_id"] = resolve_department(conn, lead)[0]
    new_id = conn.execute(insert(projects).values(**row)).inserted_primary_key[0]  # type: ignore[index]
    return Change("added", "projects", int(new_id), dict(values))


def set_project(
    conn: Connection,
    ref: str | int,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Change:
    project_id, _code = resolve_project(conn, ref)
    changes = dict(changes)
    lead = changes.pop("lead", None)
    if lead:
        changes["lead_department_id"] = resolve_department(conn, lead)[0]
    return guarded_update(conn, projects, "project", project_id, changes, expected_version)


def add_blocker(
    conn: Connection,
    project: str | int,
    category: str,
    department: str | int | None,
    description: str,
    due_on: str | None,
    opened_on: str | None = None,
) -> Change:
    project_id, code = resolve_project(conn, project)
    dept_id = resolve_department(conn, department)[0] if department else None
    values = {
        "project_id": project_id,
        "department_id": dept_id,
        "category": category,
        "description": description,
        "due_on": due_on,
        "opened_on": opened_on or date.today().isoformat(),
    }
    new_id = conn.execute(insert(blockers).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    return Change("added", "blockers", int(new_id), {"project": code, **values})


def resolve_blocker(
    conn: Connection,
    blocker_id: int,
    note: str | None = None,
    on: str | None = None,
    expected_version: int | None = None,
) -> Change:
    # Resolving an already resolved blocker keeps the day it was resolved (a note may be added).
    current = require_row(conn, blockers, blocker_id, "blocker")
    changes: dict[str, Any] = {
        "resolved_on": current["resolved_on"] or on or date.today().isoformat()
    }
    if note is not None:
        changes["note"] = note
    change = guarded_update(conn, blockers, "blocker", blocker_id, changes, expected_version)
    return Change(
        "resolved" if change.action == "updated" else change.action,
        "blockers",
        blocker_id,
        change.fields,
    )


def new_meeting(conn: Connection, title: str, held_on: str) -> Change:
    new_id = conn.execute(
        insert(meetings).values(title=title, held_on=held_on)
    ).inserted_primary_key[0]  # type: ignore[index]
    return Change("added", "meetings", int(new_id), {"title": title, "held_on": held_on})
