"""The edit mode (`board --edit`): keys that change the focused pledge, project, department or
blocker, through the same write layer as the CLI, in worker threads.

Every edit carries the row version it was made against. If someone changed the row in
between, nothing is written: a dialog shows their value and yours and offers to save yours
again on top of theirs. Edits show up on every board (this one included) through the normal
live refresh.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from textual import work
from textual.app import App
from textual.binding import Binding

from board.domain.codes import BLOCKER_CATEGORIES, PLEDGE_STATUSES, STAGE_DATE_COLUMNS, STAGES
from board.errors import BoardError
from board.i18n import t
from board.store import writer as w
from board.store.location import Where
from board.store.milestones import add_milestone
from board.store.milestones import milestones as milestones_table
from board.store.values import check_date, check_optional_date, check_progress, check_text
from board.ui.messages import WriteDone, WriteFailed
from board.ui.screens.detail import DetailScreen
from board.ui.screens.forms import ChoiceScreen, ConfirmScreen, ConflictScreen, Field, FormScreen
from board.ui.screens.overview import OverviewScreen
from board.view.board import Board
from board.view.words import clean

EDIT_ACTIONS = frozenset(
    {
        "mark_done",
        "edit_content",
        "edit_due",
        "edit_note",
        "edit_status",
        "add_pledge",
        "edit_stage",
        "edit_progress",
        "add_blocker",
        "add_milestone",
    }
)

EDIT_BINDINGS = [
    Binding("x", "mark_done", "key.mark_done", id="edit.done"),
    Binding("e", "edit_content", "key.edit_content", id="edit.content"),
    Binding("u", "edit_due", "key.edit_due", id="edit.due"),
    Binding("n", "edit_note", "key.edit_note", id="edit.note"),
    Binding("z", "edit_status", "key.edit_status", id="edit.status"),
    Binding("a", "add_pledge", "key.add_pledge", id="edit.add_pledge"),
    Binding("g", "edit_stage", "key.edit_stage", id="edit.stage"),
    Binding("v", "edit_progress", "key.edit_progress", id="edit.progress"),
    Binding("b", "add_blocker", "key.add_blocker", id="edit.add_blocker"),
    Binding("M", "add_milestone", "key.add_milestone", id="edit.add_milestone"),
]
# A row that belongs to another stands for it where its own kind is not wanted: with a
# milestone under the cursor, the project keys (g, v, b, n, M) act on its project.
PARENTS = {"milestone": "project"}


@dataclass(frozen=True)
class Target:
    """What the edit keys act on: the row under the cursor, by kind and id."""

    kind: str  # pledge | project | department | blocker | milestone
    ident: int


@dataclass(frozen=True)
class Edit:
    """A change to one row, made against `version` (None: no check, e.g. an insert)."""

    what: str  # pledge | project | blocker | milestone
    ident: int
    changes: dict[str, Any]
    version: int | None

    def work(self) -> Callable[[Connection], w.Change]:
        table = {
            "pledge": w.pledges,
            "project": w.projects,
            "blocker": w.blockers,
            "milestone": milestones_table,
        }[self.what]
        return lambda conn: w.guarded_update(
            conn, table, self.what, self.ident, self.changes, self.version
        )


def label_of(row: object) -> str:
    """How a row is named in a form: a project or department by name, a pledge by its
    content, a blocker by its description (cut to one line's worth)."""
    for attribute in ("name", "content", "description"):
        text = getattr(row, attribute, None)
        if isinstance(text, str) and text:
            cleaned = clean(text)
            return cleaned if len(cleaned) <= 40 else cleaned[:39] + "…"
    return ""


def code_choices(prefix: str, codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(c, t(f"{prefix}.{c}")) for c in codes]


class EditActions(App[int]):
    """The edit keys and the write workers (a room of BoardApp)."""

    # Given by BoardApp (the board by LiveRefresh); declared for the type checker.
    db: Where
    board: Board | None

    if TYPE_CHECKING:

        @abstractmethod
        def today(self) -> date: ...

        @abstractmethod
        def request_refresh(self, force: bool = False) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.writer: w.Writer | None = None  # opened by the first edit: a display never writes

    # Which row ----------------------------------------------------------------------------------

    def edit_target(self) -> Target | None:
        """The row under the cursor of the screen shown: each screen knows its own."""
        screen = self.screen
        if isinstance(screen, (OverviewScreen, DetailScreen)):
            found = screen.edit_target(self.focused)
            return Target(*found) if found is not None else None
        return None

    def row(self, target: Target) -> Any:
        board = self.board
        if board is None:
            return None
        rows: dict[str, Any] = {
            "pledge": {p.id: p for p in board.snapshot.pledges},
            "project": board.projects,
            "department": board.departments,
            "blocker": {b.id: b for b in board.snapshot.blockers},
            "milestone": {m.id: m for m in board.snapshot.milestones},
        }
        return rows[target.kind].get(target.ident)

    def need(self, *kinds: str) -> tuple[Target, Any] | None:
        target = self.edit_target()
        if target is not None and target.kind not in kinds and PARENTS.get(target.kind) in kinds:
            child = self.row(target)
            if child is not None:
                target = Target(PARENTS[target.kind], child.project_id)
        if target is None or target.kind not in kinds:
            self.notify(
                t("edit.no_target", kinds="/".join(t(f"what.{k}") for k in kinds)),
                severity="warning",
                timeout=3,
            )
            return None
        row = self.row(target)
        return (target, row) if row is not None else None

    # Writing --------------------------------------------------------------------------------------

    @work(thread=True, exclusive=False, exit_on_error=False, group="write", description="write")
    def write(self, job: Callable[[Connection], w.Change], edit: Edit | None = None) -> None:
        try:
            if self.writer is None:
                self.writer = w.Writer(self.db)
            self.post_message(WriteDone(self.writer.run(job)))
        except BoardError as exc:
            self.post_message(WriteFailed(exc, edit))
        except Exception as exc:  # a failed edit must never take the board down
            self.post_message(WriteFailed(BoardError(t("err.internal", detail=exc)), edit))

    def apply_edit(self, edit: Edit) -> None:
        self.write(edit.work(), edit)

    def on_write_done(self, message: WriteDone) -> None:
        change = message.change
        self.notify(
            t(f"edit.{change.action}", what=t(f"table.{change.table}"), id=change.row_id), timeout=2
        )
        self.request_refresh(force=True)

    def on_write_failed(self, message: WriteFailed) -> None:
        error, edit = message.error, message.edit
        if isinstance(error, w.ConflictError) and edit is not None:
            current = error.current.get("version")

            def decided(again: bool | None) -> None:
                if again:
                    self.apply_edit(replace(edit, version=current))

            self.push_screen(ConflictScreen(error.message), decided)
            self.request_refresh(force=True)
            return
        self.notify(error.message, severity="error", timeout=6)

    # Keys -----------------------------------------------------------------------------------------

    def action_mark_done(self) -> None:
        found = self.need("pledge", "blocker", "milestone")
        if found is None:
            return
        target, row = found
        today = self.today().isoformat()
        if target.kind == "pledge":
            edit = Edit("pledge", row.id, {"status": "done", "done_on": today}, row.version)
        elif target.kind == "milestone":
            if row.is_done:  # done keeps the day it was done
                self.notify(t("edit.already_done"), severity="warning", timeout=3)
                return
            edit = Edit("milestone", row.id, {"done_on": today}, row.version)
        else:
            edit = Edit("blocker", row.id, {"resolved_on": today}, row.version)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.apply_edit(edit)

        # 完成 / 销号 closes a row out for the room: asked first (there is no undo).
        title = t(f"edit.confirm_{target.kind}")
        self.push_screen(ConfirmScreen(title, label_of(row)), confirmed)

    def titled(self, key: str, row: object) -> str:
        """A form's title naming the row it edits: 修改形象进度 · 创业中心大楼."""
        label = label_of(row)
        return f"{t(key)} · {label}" if label else t(key)

    def project_named(self, code: str) -> str | None:
        """The project a typed code names, as the pledge form shows it under the field."""
        board = self.board
        if board is None:
            return None
        wanted = code.strip()
        for project in board.snapshot.projects:
            if project.code == wanted:
                return f"{project.code} {clean(project.name)}"
        return None

    def form(self, title: str, fields: list[Field], then: Callable[[dict[str, Any]], None]) -> None:
        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                then(values)

        self.push_screen(FormScreen(title, fields), done)

    def action_edit_content(self) -> None:
        found = self.need("pledge")
        if found is None:
            return
        _target, row = found
        field = Field(
            "content", t("field.content"), row.content, lambda v: check_text(v, t("field.content"))
        )
        self.form(
            self.titled("edit.title_content", row),
            [field],
            lambda v: self.apply_edit(
                Edit("pledge", row.id, {"content": v["content"]}, row.version)
            ),
        )

    def action_edit_due(self) -> None:
        found = self.need("pledge", "milestone")
        if found is None:
            return
        target, row = found
        initial = row.due_on.isoformat() if row.due_on else ""
        label = t("field.milestone_due" if target.kind == "milestone" else "field.due")
        field = Field("due_on", label, initial, check_date, "YYYY-MM-DD")
        title = "edit.title_milestone_due" if target.kind == "milestone" else "edit.title_due"
        self.form(
            self.titled(title, row),
            [field],
            lambda v: self.apply_edit(
                Edit(target.kind, row.id, {"due_on": v["due_on"]}, row.version)
            ),
        )

    def action_add_milestone(self) -> None:
        """M on a project page: a new milestone at the end of its timeline."""
        found = self.need("project")
        if found is None:
            return
        _target, row = found
        fields = [
            Field("name", t("field.milestone"), "", lambda v: check_text(v, t("field.milestone"))),
            Field("due_on", t("field.milestone_due"), "", check_date, "YYYY-MM-DD"),
            Field("department", t("field.milestone_unit"), "", lambda v: v.strip() or None),
        ]

        def save(v: dict[str, Any]) -> None:
            self.write(lambda c: add_milestone(c, row.id, v["name"], v["due_on"], v["department"]))

        self.form(self.titled("edit.title_add_milestone", row), fields, save)

    def action_edit_note(self) -> None:
        found = self.need("pledge", "project", "blocker")
        if found is None:
            return
        target, row = found
        column = "progress_note" if target.kind == "project" else "note"
        initial = getattr(row, column) or ""
        field = Field(column, t("field.note"), initial, lambda v: v.strip() or None)
        self.form(
            self.titled("edit.title_note", row),
            [field],
            lambda v: self.apply_edit(Edit(target.kind, row.id, {column: v[column]}, row.version)),
        )

    def action_edit_status(self) -> None:
        found = self.need("pledge")
        if found is None:
            return
        _target, row = found
        today = self.today().isoformat()

        def chosen(status: str | None) -> None:
            if status is not None and status != row.status:
                changes = {"status": status, "done_on": today if status == "done" else None}
                self.apply_edit(Edit("pledge", row.id, changes, row.version))

        self.push_screen(
            ChoiceScreen(
                self.titled("edit.title_status", row),
                code_choices("status", PLEDGE_STATUSES),
                row.status,
            ),
            chosen,
        )

    def action_add_pledge(self) -> None:
        found = self.need("department", "pledge")
        if found is None:
            return
        target, row = found
        dept_id = row.id if target.kind == "department" else row.department_id
        fields = [
            Field("content", t("field.content"), "", lambda v: check_text(v, t("field.content"))),
            Field("due_on", t("field.due"), "", check_date, "YYYY-MM-DD"),
            Field(
                "project",
                t("field.project_code"),
                "",
                lambda v: v.strip() or None,
                describe=self.project_named,
            ),
        ]

        today = self.today()

        def save(v: dict[str, Any]) -> None:
            self.write(
                lambda c: w.add_pledge(
                    c, dept_id, v["content"], v["due_on"], v["project"], today=today
                )
            )

        department = self.board.departments.get(dept_id) if self.board is not None else None
        self.form(self.titled("edit.title_add_pledge", department), fields, save)

    def action_edit_stage(self) -> None:
        found = self.need("project")
        if found is None:
            return
        _target, row = found
        today = self.today().isoformat()

        def chosen(stage: str | None) -> None:
            if stage is None or stage == row.stage:
                return
            changes: dict[str, Any] = {"stage": stage}
            if row.stage_date(stage) is None:
                changes[STAGE_DATE_COLUMNS[stage]] = today
            self.apply_edit(Edit("project", row.id, changes, row.version))

        self.push_screen(
            ChoiceScreen(
                self.titled("edit.title_stage", row), code_choices("stage", STAGES), row.stage
            ),
            chosen,
        )

    def action_edit_progress(self) -> None:
        found = self.need("project")
        if found is None:
            return
        _target, row = found
        fields = [
            Field("progress", t("field.progress"), str(row.progress), check_progress),
            Field(
                "progress_note",
                t("field.note"),
                row.progress_note or "",
                lambda v: v.strip() or None,
            ),
        ]
        self.form(
            self.titled("edit.title_progress", row),
            fields,
            lambda v: self.apply_edit(Edit("project", row.id, v, row.version)),
        )

    def action_add_blocker(self) -> None:
        found = self.need("project")
        if found is None:
            return
        _target, row = found
        today = self.today().isoformat()

        def chosen(category: str | None) -> None:
            if category is None:
                return
            fields = [
                Field(
                    "description",
                    t("field.description"),
                    "",
                    lambda v: check_text(v, t("field.description")),
                ),
                Field("department", t("field.department"), "", lambda v: v.strip() or None),
                Field("due_on", t("field.due"), "", check_optional_date, "YYYY-MM-DD"),
            ]

            def save(v: dict[str, Any]) -> None:
                self.write(
                    lambda c: w.add_blocker(
                        c, row.id, category, v["department"], v["description"], v["due_on"], today
                    )
                )

            self.form(self.titled("edit.title_add_blocker", row), fields, save)

        self.push_screen(
            ChoiceScreen(
                self.titled("edit.title_category", row),
                code_choices("blocker", BLOCKER_CATEGORIES),
                None,
            ),
            chosen,
        )
