"""The shared file's tables as SQLAlchemy 2 typed models: the public contract other tools write.

Table and column names are the contract of docs/schema.md. Dates are ISO `YYYY-MM-DD` text
(other tools write them with plain SQL), money is 万元, and codes are the English words in
`board/domain/codes.py`.
Schema 4 added `milestones` (关键节点). Columns beyond the first published minimum: `version`
on editable rows (conflict-safe edits),
`baseline_progress` / `target_note` on sprint goals (序时进度 needs a starting point, and a
sprint target is said in words), and `note` on blockers (how it was resolved).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from board.domain.codes import (
    BLOCKER_CATEGORIES,
    CATEGORIES,
    CHANGE_ACTIONS,
    DEPARTMENT_KINDS,
    PLEDGE_STATUSES,
    STAGES,
    sql_in,
)

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime')"
POSTGRES_NOW = "to_char(localtimestamp, 'YYYY-MM-DD HH24:MI:SS')"


class NowLocal(FunctionElement[str]):
    """The local time as `YYYY-MM-DD HH:MM:SS` text, in each engine's own words (a default)."""

    type = String()
    inherit_cache = True


@compiles(NowLocal, "sqlite")
def _now_sqlite(_element: NowLocal, _compiler: Any, **_kw: Any) -> str:
    return f"({SQLITE_NOW})"


@compiles(NowLocal, "postgresql")
def _now_postgres(_element: NowLocal, _compiler: Any, **_kw: Any) -> str:
    return f"({POSTGRES_NOW})"


NOW_LOCAL = NowLocal()


class Base(DeclarativeBase):
    """Declarative base for board's tables."""


class Department(Base):
    """部门 / 单位: a bureau, office, village or enterprise that pledges and answers for work."""

    __tablename__ = "departments"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(DEPARTMENT_KINDS)})", name="ck_departments_kind"),
        Index("ix_departments_sort_order", "sort_order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    short_name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String, server_default="bureau")
    sort_order: Mapped[int] = mapped_column(Integer, server_default="0")
    version: Mapped[int] = mapped_column(Integer, server_default="1")


class Project(Base):
    """重点项目: a key construction project and where it stands."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(f"category IN ({sql_in(CATEGORIES)})", name="ck_projects_category"),
        CheckConstraint(f"stage IN ({sql_in(STAGES)})", name="ck_projects_stage"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="ck_projects_progress"),
        Index("ix_projects_lead_department_id", "lead_department_id"),
        Index("ix_projects_stage", "stage"),
        Index("ix_projects_category", "category"),
        Index("ix_projects_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String)
    stage: Mapped[str] = mapped_column(String, server_default="signed")
    progress: Mapped[int] = mapped_column(Integer, server_default="0")
    progress_note: Mapped[str | None] = mapped_column(Text)
    lead_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    responsible: Mapped[str | None] = mapped_column(Text)
    leader: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    total_investment: Mapped[float | None] = mapped_column(Float)
    year_plan_investment: Mapped[float | None] = mapped_column(Float)
    year_done_investment: Mapped[float | None] = mapped_column(Float)
    signed_on: Mapped[str | None] = mapped_column(String)
    landed_on: Mapped[str | None] = mapped_column(String)
    started_on: Mapped[str | None] = mapped_column(String)
    completed_on: Mapped[str | None] = mapped_column(String)
    producing_on: Mapped[str | None] = mapped_column(String)
    planned_start_on: Mapped[str | None] = mapped_column(String)
    planned_complete_on: Mapped[str | None] = mapped_column(String)
    updated_at: Mapped[str | None] = mapped_column(String, server_default=NOW_LOCAL)
    version: Mapped[int] = mapped_column(Integer, server_default="1")


class Meeting(Base):
    """调度会: a dispatch meeting at which pledges are made."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_held_on", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(Text)


class Pledge(Base):
    """表态 / 承诺事项: what a department promised, by when, and whether it is done."""

    __tablename__ = "pledges"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(PLEDGE_STATUSES)})", name="ck_pledges_status"),
        Index("ix_pledges_department_id", "department_id"),
        Index("ix_pledges_project_id", "project_id"),
        Index("ix_pledges_meeting_id", "meeting_id"),
        Index("ix_pledges_due_on", "due_on"),
        Index("ix_pledges_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    content: Mapped[str] = mapped_column(Text)
    due_on: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String, server_default="open")
    done_on: Mapped[str | None] = mapped_column(String)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[str | None] = mapped_column(String, server_default=NOW_LOCAL)
    version: Mapped[int] = mapped_column(Integer, server_default="1")


class Blocker(Base):
    """问题清单: one thing holding a project up, who must clear it, and when it was cleared."""

    __tablename__ = "blockers"
    __table_args__ = (
        CheckConstraint(f"category IN ({sql_in(BLOCKER_CATEGORIES)})", name="ck_blockers_category"),
        Index("ix_blockers_project_id", "project_id"),
        Index("ix_blockers_department_id", "department_id"),
        Index("ix_blockers_category", "category"),
        Index("ix_blockers_due_on", "due_on"),
        Index("ix_blockers_resolved_on", "resolved_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    category: Mapped[str] = mapped_column(String)
    description: Mapped[str] = mapped_column(Text)
    opened_on: Mapped[str | None] = mapped_column(String)
    due_on: Mapped[str | None] = mapped_column(String)
    resolved_on: Mapped[str | None] = mapped_column(String)
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, server_default="1")


class Milestone(Base):
    """关键节点: a dated step of one project (土地摘牌, 施工许可, 主体封顶…) and its unit."""

    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="ck_milestones_name"),
        Index("ix_milestones_project_id", "project_id"),
        Index("ix_milestones_department_id", "department_id"),
        Index("ix_milestones_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    due_on: Mapped[str | None] = mapped_column(String)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    done_on: Mapped[str | None] = mapped_column(String)
    note: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, server_default="0")
    version: Mapped[int] = mapped_column(Integer, server_default="1")


class Sprint(Base):
    """百米冲刺: a time-boxed push with a goal per project."""

    __tablename__ = "sprints"
    __table_args__ = (Index("ix_sprints_ends_on", "ends_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[str] = mapped_column(String)
    ends_on: Mapped[str] = mapped_column(String)


class SprintGoal(Base):
    """One project's target for a sprint; 序时进度 runs from baseline to target."""

    __tablename__ = "sprint_goals"
    __table_args__ = (
        CheckConstraint(
            f"target_stage IS NULL OR target_stage IN ({sql_in(STAGES)})",
            name="ck_sprint_goals_target_stage",
        ),
        CheckConstraint(
            "target_progress IS NULL OR target_progress BETWEEN 0 AND 100",
            name="ck_sprint_goals_target_progress",
        ),
        CheckConstraint(
            "baseline_progress BETWEEN 0 AND 100", name="ck_sprint_goals_baseline_progress"
        ),
        Index("ix_sprint_goals_sprint_id", "sprint_id"),
        Index("ix_sprint_goals_project_id", "project_id"),
        Index("ux_sprint_goals_sprint_project", "sprint_id", "project_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    target_stage: Mapped[str | None] = mapped_column(String)
    target_progress: Mapped[int | None] = mapped_column(Integer)
    target_investment: Mapped[float | None] = mapped_column(Float)
    baseline_progress: Mapped[int] = mapped_column(Integer, server_default="0")
    target_note: Mapped[str | None] = mapped_column(Text)


class ChangeLog(Base):
    """Every insert, update and delete of the watched tables, written by SQLite triggers."""

    __tablename__ = "change_log"
    __table_args__ = (
        CheckConstraint(f"action IN ({sql_in(CHANGE_ACTIONS)})", name="ck_change_log_action"),
        Index("ix_change_log_at", "at"),
        Index("ix_change_log_table_row", "table_name", "row_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String, server_default=NOW_LOCAL)
    table_name: Mapped[str] = mapped_column(String)
    row_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String)
    column_name: Mapped[str | None] = mapped_column(String)
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class BoardMeta(Base):
    """Key/value facts about the file: schema_version, zone_name, season_end, year_end."""

    __tablename__ = "board_meta"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
