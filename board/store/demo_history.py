"""The demo zone's recent past, written into change_log as the triggers would have written it.

A demo whose history starts at build time shows nothing under 自上次调度会以来 on its first run.
So the demo holds an earlier meeting (`EARLIER_DAYS` back) and the log gets the events of the
fortnight since, read off the rows themselves: pledges done since then, blockers opened and
closed, stages reached, milestones done, and the pledges made at today's meeting. Each entry
has the shape the triggers give (one row per changed column; a summary on insert), stamped at
the day it happened, so the board reads it like any other write.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from board.domain.codes import STAGE_DATE_COLUMNS, STAGES
from board.store import models as m

EARLIER_DAYS = 14  # the demo's previous meeting, this many days before the build day
LOG = m.Base.metadata.tables["change_log"]


def stamp(day: str, hour: int) -> str:
    return f"{day} {hour:02d}:00:00"


def entry(
    at: str,
    table: str,
    row_id: int,
    action: str,
    column: str | None = None,
    old: Any = None,
    new: Any = None,
) -> dict[str, Any]:
    return {
        "at": at,
        "table_name": table,
        "row_id": row_id,
        "action": action,
        "column_name": column,
        "old_value": None if old is None else str(old),
        "new_value": None if new is None else str(new),
    }


def since_entries(
    conn: Connection, today: date, current_meeting: int, upto: dict[str, int]
) -> list[dict[str, Any]]:
    """The log of the fortnight between the earlier meeting and today, oldest first, for the
    rows of each table up to the id `upto` gives."""
    start = (today - timedelta(days=EARLIER_DAYS)).isoformat()
    now = today.isoformat()
    tables = m.Base.metadata.tables
    out: list[dict[str, Any]] = []
    pledges = tables["pledges"]
    for row in conn.execute(select(pledges).where(pledges.c.id <= upto["pledges"])).mappings():
        if row["meeting_id"] == current_meeting:
            out.append(entry(stamp(now, 9), "pledges", row["id"], "insert", new=row["content"]))
        done = row["done_on"]
        if row["status"] == "done" and done and start <= done <= now:
            at = stamp(done, 16)
            out.append(entry(at, "pledges", row["id"], "update", "status", "in_progress", "done"))
            out.append(entry(at, "pledges", row["id"], "update", "done_on", None, done))
    blockers = tables["blockers"]
    for row in conn.execute(select(blockers).where(blockers.c.id <= upto["blockers"])).mappings():
        opened, resolved = row["opened_on"], row["resolved_on"]
        if opened and start <= opened <= now:
            out.append(
                entry(stamp(opened, 11), "blockers", row["id"], "insert", new=row["description"])
            )
        if resolved and start <= resolved <= now:
            at = stamp(resolved, 15)
            out.append(entry(at, "blockers", row["id"], "update", "resolved_on", None, resolved))
    projects = tables["projects"]
    for row in conn.execute(select(projects).where(projects.c.id <= upto["projects"])).mappings():
        for index, stage in enumerate(STAGES[1:], start=1):
            reached = row[STAGE_DATE_COLUMNS[stage]]
            if reached and start <= reached <= now and STAGES.index(row["stage"]) >= index:
                at = stamp(reached, 10)
                out.append(
                    entry(at, "projects", row["id"], "update", "stage", STAGES[index - 1], stage)
                )
    out += weekly_values(conn, today, upto)
    milestones = tables["milestones"]
    for row in conn.execute(select(milestones)).mappings():
        done = row["done_on"]
        if done and start <= done <= now:
            at = stamp(done, 17)
            out.append(entry(at, "milestones", row["id"], "update", "done_on", None, done))
    out.sort(key=lambda e: (e["at"], e["table_name"], e["row_id"]))
    return out


WEEKS = 8  # of the sprint gone by: the trends draw from its start


def weekly_values(conn: Connection, today: date, upto: dict[str, int]) -> list[dict[str, Any]]:
    """A Friday-evening progress report per project for the sprint's weeks so far: progress
    from the goal's baseline up to where the project stands today, year investment from a bit
    over half of today's up to today's, as a secretary would have typed them week by week."""
    tables = m.Base.metadata.tables
    projects, goals = tables["projects"], tables["sprint_goals"]
    rng = random.Random(5)
    query = (
        select(
            projects.c.id,
            projects.c.progress,
            projects.c.year_done_investment,
            goals.c.baseline_progress,
        )
        .join(goals, goals.c.project_id == projects.c.id)
        .where(projects.c.id <= upto["projects"])
        .order_by(projects.c.id)
    )
    out: list[dict[str, Any]] = []
    for ident, progress, done, baseline in conn.execute(query):
        # From where the sprint found it (the goal's baseline, or lower: progress never went
        # down) to where it stands today.
        before_p = min(int(baseline or 0), int(progress))
        if before_p == int(progress) and before_p > 0:  # stalled below its baseline: some work
            before_p = max(0, before_p - rng.randrange(3, 12))
        before_d = round(float(done or 0) * 0.55)
        for week in range(1, WEEKS + 1):
            share = (week / WEEKS) ** rng.uniform(0.8, 1.3)
            at = stamp((today - timedelta(days=7 * (WEEKS - week) + 1)).isoformat(), 18)
            value_p = (
                round(before_p + (int(progress) - before_p) * share) if week < WEEKS else progress
            )
            if value_p != before_p:
                out.append(entry(at, "projects", ident, "update", "progress", before_p, value_p))
                before_p = value_p
            if done is not None:
                value_d = round(float(done) * (0.55 + 0.45 * share)) if week < WEEKS else done
                if value_d != before_d:
                    out.append(
                        entry(
                            at,
                            "projects",
                            ident,
                            "update",
                            "year_done_investment",
                            before_d,
                            value_d,
                        )
                    )
                    before_d = value_d
    return out


def write_history(conn: Connection, today: date, current_meeting: int, upto: dict[str, int]) -> int:
    """Write the fortnight's log; returns how many entries."""
    rows = since_entries(conn, today, current_meeting, upto)
    if rows:
        conn.execute(insert(LOG), rows)
    return len(rows)
