"""Reading the history a trend shows, only when a page shows it: one project's series, or the
zone's totals per day in one aggregate query over change_log.

Nothing here runs on a refresh; a project page or the 冲刺进度 page asks in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TypeVar

from sqlalchemy import Connection, Float, cast, func, select
from sqlalchemy.exc import DBAPIError

from board.domain.snapshot import ChangeEntry
from board.store import models as m
from board.store.engine import explain, make_engine
from board.store.location import Where
from board.store.reader import by_time
from board.store.rows import read_change

LOG = m.Base.metadata.tables["change_log"]
GOALS = m.Base.metadata.tables["sprint_goals"]
T = TypeVar("T")


def read_once(path: Where, work: Callable[[Connection], T]) -> T:
    """`work` in one short read transaction on a connection of its own (the display's own
    connection stays the refresh's alone); a failure is the usual one-line BoardError."""
    engine = make_engine(path, read_only=True)
    try:
        with engine.connect() as conn, conn.begin():
            return work(conn)
    except DBAPIError as exc:
        raise explain(exc, path) from exc
    finally:
        engine.dispose()


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


def daily_deltas(
    conn: Connection, column: str, since: date, sprint_id: int | None = None
) -> Mapping[str, float]:
    """Σ(new − old) of `column` over every project (or those with a goal in `sprint_id`), per
    day since `since`: one query."""
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
            *(
                ()
                if sprint_id is None
                else (
                    LOG.c.row_id.in_(
                        select(GOALS.c.project_id).where(GOALS.c.sprint_id == sprint_id)
                    ),
                )
            ),
        )
        .group_by(day),
    )
    return {str(stamp): float(total or 0) for stamp, total in rows}
