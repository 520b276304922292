"""Keeping change_log in bounds: `board prune` deletes old log rows in one transaction.

The triggers log every changed column of every write, forever; nothing else ever deleted a row.
A 500,000-row log made a 160 MB file whose start-up read took four times as long. The log
serves two readers: the boards' incremental loads (only the newest rows, by id) and "since the
last meeting" (every row since the earlier of the last two meetings held). So a prune keeps
the last `keep_days` days and, unless forced, everything the since-report of the current and
the previous meeting still needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Table, delete, func, select

from board.domain.since import log_cutoff
from board.domain.snapshot import Meeting
from board.store import models as m
from board.store.rows import parse_date

LOG: Table = m.Base.metadata.tables["change_log"]
META: Table = m.Base.metadata.tables["board_meta"]
DEFAULT_KEEP_DAYS = 90
KEEP_DAYS_KEY = "log_keep_days"  # board_meta: an office's own default for --keep-days


@dataclass(frozen=True)
class PruneResult:
    """What a prune removed (or, with `dry_run`, would remove), and what it kept and why."""

    removed: int
    kept: int
    before: str  # rows logged before this moment were candidates
    protected_from: str | None  # rows from here on were kept for the since-report
    oldest: str | None  # the oldest and newest `at` among the removed rows
    newest: str | None


def keep_days_default(conn: Connection) -> int:
    """`board_meta.log_keep_days` when it is a whole number ≥ 0, else 90."""
    raw = conn.execute(select(META.c.value).where(META.c.key == KEEP_DAYS_KEY)).scalar()
    try:
        days = int(str(raw))
    except (TypeError, ValueError):
        return DEFAULT_KEEP_DAYS
    return days if days >= 0 else DEFAULT_KEEP_DAYS


def held_meetings(conn: Connection, today: date) -> list[Meeting]:
    """The meetings held on or before today, oldest first (a planned one is not held yet)."""
    table = m.Meeting.__table__
    rows = conn.execute(
        select(table.c.id, table.c.held_on, table.c.title).order_by(table.c.held_on)
    )
    held = []
    for ident, held_on, title in rows:
        day = parse_date(held_on) if isinstance(held_on, str) else None
        if day is not None and day <= today:
            held.append(Meeting(id=ident, held_on=day, title=str(title)))
    return held


def prune_log(
    conn: Connection,
    today: date,
    keep_days: int | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
) -> PruneResult:
    """Delete change_log rows older than `keep_days` days before `today` (the file's default
    when None); rows the since-report needs stay unless `force`. Run inside one transaction."""
    days = keep_days_default(conn) if keep_days is None else keep_days
    before = (today - timedelta(days=days)).isoformat()
    protected = None if force else log_cutoff(held_meetings(conn, today))
    limit = min(before, protected) if protected is not None else before
    doomed = LOG.c.at < limit
    removed, oldest, newest = conn.execute(
        select(func.count(), func.min(LOG.c.at), func.max(LOG.c.at)).where(doomed)
    ).one()
    if removed and not dry_run:
        conn.execute(delete(LOG).where(doomed))
    total = conn.execute(select(func.count()).select_from(LOG)).scalar_one()
    return PruneResult(
        removed=int(removed),
        kept=int(total) - int(removed) if dry_run else int(total),
        before=before,
        protected_from=protected if protected is not None and protected < before else None,
        oldest=oldest,
        newest=newest,
    )
