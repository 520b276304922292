"""Reading the history a trend shows, only when a page shows it: one project's series, or the
zone's totals per day in one aggregate query over change_log.

Nothing here runs on a refresh; a project page or the 冲刺进度 page asks in a worker thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import Connection, Float, cast, func, select

from board.domain.snapshot import ChangeEntry
from board.store import models as m
from board.store.reader import by_time
from board.store.rows import read_change

LOG = m.Base.metadata.tables["change_log"]
TREND_COLUMNS = ("progress", "year_done_investment")


def project_entries(conn: Connection, project_id: int, since: date) -> dict[str, list[ChangeEntry]]:
    """The logged changes of one project's progress and year investment since `since`, by
    column, oldest first."""
    rows = conn.execute(
        select(LOG)
        .where(
            LOG.c.table_name == "projects",
            LOG.c.row_id == project_id,
            LOG.c.action == "update",
            LOG.c.column_name.in_(TREND_COLUMNS),
            LOG.c.at >= since.isoformat(),
        )
        .order_by(LOG.c.id)
    )
    out: dict[str, list[ChangeEntry]] = {column: [] for column in TREND_COLUMNS}
    for row in rows:
        entry = read_change(dict(row._mapping))
        out[entry.column_name or ""].append(entry)
    return out


def daily_deltas(conn: Connection, column: str, since: date) -> Mapping[str, float]:
    """Σ(new − old) of `column` over every project, per day since `since`: one query."""
    day = func.substr(LOG.c.at, 1, 10)
    delta = func.sum(
        func.coalesce(cast(LOG.c.new_value, Float), 0)
        - func.coalesce(cast(LOG.c.old_value, Float), 0)
    )
    rows = by_time(
        conn,
        select(day, delta)
        .where(
            LOG.c.table_name == "projects",
            LOG.c.action == "update",
            LOG.c.column_name == column,
            LOG.c.at >= since.isoformat(),
        )
        .group_by(day),
    )
    return {str(stamp): float(total or 0) for stamp, total in rows}
