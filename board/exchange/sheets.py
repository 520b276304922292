"""The sheets people edit (项目, 表态, 问题, 节点, 部门): their columns and what each maps to.

A sheet names its table and, column by column, its Chinese header, the table column, the kind
of cell and what an empty cell means. Import and export both read these specs, so a column is
described once for the file in both directions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Table

from board.domain.codes import (
    BLOCKER_CATEGORIES,
    CATEGORIES,
    DEPARTMENT_KINDS,
    PLEDGE_STATUSES,
    STAGES,
)
from board.errors import BoardError
from board.i18n import t
from board.store import writer as w
from board.store.milestones import milestones

Kind = Literal[
    "id", "text", "date", "progress", "money", "int", "code", "department", "project", "meeting"
]
Empty = Literal["null", "required", "default"]

# Code lists by the i18n prefix of their words.
CODE_LISTS: dict[str, tuple[str, ...]] = {
    "stage": STAGES,
    "category": CATEGORIES,
    "status": PLEDGE_STATUSES,
    "blocker": BLOCKER_CATEGORIES,
    "kind": DEPARTMENT_KINDS,
}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its Chinese header, the table column, and how cells are read.

    `empty` says what an empty cell means: `null` clears the value, `required` is refused,
    `default` keeps the row's value (a new row gets the database default).
    """

    header: str
    field: str
    kind: Kind
    empty: Empty = "null"
    codes: str = ""
    width: int = 12
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str  # the sheet's Chinese name, which is also its name in the workbook
    table: str
    what: str  # the writer's word for one row: pledge, project, blocker, department
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    @property
    def id_column(self) -> Column:
        return self.columns[0]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


def _stage_dates() -> tuple[Column, ...]:
    return (
        Column("签约日期", "signed_on", "date"),
        Column("落地日期", "landed_on", "date"),
        Column("开工日期", "started_on", "date"),
        Column("竣工日期", "completed_on", "date"),
        Column("投产日期", "producing_on", "date"),
        Column("计划开工日期", "planned_start_on", "date", width=13),
        Column("计划竣工日期", "planned_complete_on", "date", width=13),
    )


# 编号 is board's id. Never 序号: an office's ledger numbers its rows 1, 2, 3 in a 序号 column,
# and reading that as ids renamed stored projects (docs/excel.md, "办公室现有台账").
ID = Column("编号", "id", "id", width=7, aliases=("ID",))
DEPARTMENT_REFS = ("部门", "单位", "责任单位", "表态单位", "department")

PROJECTS = Sheet(
    "项目",
    "projects",
    "project",
    (
        ID,
        Column("项目编号", "code", "text", "required", width=10),
        Column("项目名称", "name", "text", "required", width=30),
        Column("类别", "category", "code", "required", "category", width=10),
        Column("阶段", "stage", "code", "default", "stage", width=8),
        Column("形象进度", "progress", "progress", "default", width=9, aliases=("形象进度%",)),
        Column("进度说明", "progress_note", "text", width=24, aliases=("形象进度说明",)),
        Column("责任单位", "lead_department_id", "department", width=12, aliases=("lead",)),
        Column("责任人", "responsible", "text", width=9),
        Column("包保领导", "leader", "text", width=10, aliases=("挂点领导",)),
        Column("业主单位", "owner", "text", width=22),
        Column("建设地点", "location", "text", width=18),
        Column("总投资（万元）", "total_investment", "money", width=13, aliases=("总投资",)),
        Column("年度计划投资（万元）", "year_plan_investment", "money", width=13),
        Column("年度完成投资（万元）", "year_done_investment", "money", width=13),
        *_stage_dates(),
    ),
    aliases=("projects", "project", "重点项目"),
)

PLEDGES = Sheet(
    "表态",
    "pledges",
    "pledge",
    (
        ID,
        Column("表态单位", "department_id", "department", "required", aliases=DEPARTMENT_REFS),
        Column("项目编号", "project_id", "project", width=10, aliases=("项目", "project")),
        Column("调度会编号", "meeting_id", "meeting", "default", width=10, aliases=("meeting",)),
        Column("表态内容", "content", "text", "required", width=50, aliases=("内容", "事项")),
        Column("完成时限", "due_on", "date", aliases=("时限", "到期日期", "due")),
        Column("状态", "status", "code", "default", "status", width=9),
        Column("完成日期", "done_on", "date", aliases=("销号日期",)),
        Column("备注", "note", "text", width=24),
    ),
    aliases=("pledges", "pledge", "承诺事项"),
)

BLOCKERS = Sheet(
    "问题",
    "blockers",
    "blocker",
    (
        ID,
        Column("项目编号", "project_id", "project", "required", width=10, aliases=("项目",)),
        Column("责任单位", "department_id", "department", aliases=DEPARTMENT_REFS),
        Column("类别", "category", "code", "required", "blocker", width=8, aliases=("问题类别",)),
        Column("问题描述", "description", "text", "required", width=50, aliases=("问题",)),
        Column("提出日期", "opened_on", "date", "default"),
        Column("解决时限", "due_on", "date", aliases=("时限",)),
        Column("销号日期", "resolved_on", "date", aliases=("解决日期",)),
        Column("销号说明", "note", "text", width=24, aliases=("备注",)),
    ),
    aliases=("blockers", "blocker", "问题清单"),
)

MILESTONES = Sheet(
    "节点",
    "milestones",
    "milestone",
    (
        ID,
        Column("项目编号", "project_id", "project", "required", width=10, aliases=("项目",)),
        Column("节点名称", "name", "text", "required", width=24, aliases=("关键节点", "节点")),
        Column("完成时限", "due_on", "date", aliases=("时限", "计划完成")),
        Column("责任单位", "department_id", "department", aliases=DEPARTMENT_REFS),
        Column("完成日期", "done_on", "date", aliases=("实际完成",)),
        Column("备注", "note", "text", width=24),
        Column("顺序", "sort_order", "int", "default", width=6),
    ),
    aliases=("milestones", "milestone", "关键节点"),
)

DEPARTMENTS = Sheet(
    "部门",
    "departments",
    "department",
    (
        ID,
        Column("名称", "name", "text", "required", width=16, aliases=("部门名称", "单位名称")),
        Column("简称", "short_name", "text", width=10),
        Column("类型", "kind", "code", "default", "kind", width=8, aliases=("单位类型",)),
        Column("发言顺序", "sort_order", "int", "default", width=9, aliases=("排序",)),
    ),
    aliases=("departments", "department", "单位"),
)

# Workbook order; rows are applied in dependency order (APPLY_ORDER).
SHEETS: tuple[Sheet, ...] = (PROJECTS, PLEDGES, BLOCKERS, MILESTONES, DEPARTMENTS)
APPLY_ORDER: tuple[Sheet, ...] = (DEPARTMENTS, PROJECTS, PLEDGES, BLOCKERS, MILESTONES)
GUIDE_SHEET = "说明"
# What matches a sheet row without 编号 to a stored row (when exactly one stored row has it).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "projects": ("code",),
    "departments": ("name",),
    "pledges": ("department_id", "content"),
    "blockers": ("project_id", "description"),
    "milestones": ("project_id", "name"),
}
TEXT_KEYS = frozenset({"code", "name", "content", "description"})
KEY_COLUMN = 1  # the column a repeated row is reported on: 项目编号, 表态单位, 项目编号, 名称
TABLES: dict[str, Table] = {
    "projects": w.projects,
    "pledges": w.pledges,
    "blockers": w.blockers,
    "departments": w.departments,
    "milestones": milestones,
}


def header_key(text: str) -> str:
    """A header as compared: no spaces, full-width brackets, no percent sign, any case."""
    table = str.maketrans({"(": "（", ")": "）", "%": "", "％": ""})
    return re.sub(r"\s+", "", text).translate(table).casefold()


def own_headers(sheet: Sheet) -> dict[str, Column]:
    """Every header a board sheet reads: its Chinese header, English field name and aliases."""
    keys: dict[str, Column] = {}
    for column in sheet.columns:
        for name in (column.header, column.field, *column.aliases):
            keys.setdefault(header_key(name), column)
    return keys


def sheet_names() -> str:
    return "、".join(s.name for s in SHEETS)


def find_sheet(name: str) -> Sheet | None:
    """A sheet by its Chinese name or an alias (表态, pledges, 承诺事项...)."""
    key = name.strip().casefold()
    for sheet in SHEETS:
        if key == sheet.name or key in (a.casefold() for a in sheet.aliases):
            return sheet
    return None


def sheet_named(name: str) -> Sheet:
    sheet = find_sheet(name)
    if sheet is None:
        raise BoardError(t("err.bad_sheet", value=name, choices=sheet_names()), kind="value")
    return sheet
