"""The bench's synthetic zones: a database of N projects spread over 40 departments, and a
DELETE-journal copy of it for `--poll`. Built with the demo builder and plain SQL, in the
parent, before any child starts."""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from pathlib import Path

DEPARTMENTS = 40


def build_bench_db(
    path: Path, size: int, today: date, departments: int = DEPARTMENTS
) -> dict[str, int]:
    """A synthetic zone of `size` projects (~5 pledges each) over `departments` departments."""
    from board.store.demo import build_demo, default_source, load_source

    path.parent.mkdir(parents=True, exist_ok=True)
    demo_projects = len(load_source(default_source()).get("projects", []))
    build_demo(path, today, extra_projects=max(0, size - demo_projects))
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        have = con.execute("SELECT count(*) FROM departments").fetchone()[0]
        for i in range(have + 1, departments + 1):
            con.execute(
                "INSERT INTO departments (name, short_name, kind, sort_order) "
                "VALUES (?, ?, 'bureau', ?)",
                (f"第{i:02d}联络单位", f"联络{i:02d}", i * 10),
            )
        ids = [row[0] for row in con.execute("SELECT id FROM departments ORDER BY id")]
        rng = random.Random(size)
        synthetic = "SELECT id FROM projects WHERE code LIKE 'SYN-%'"
        con.executemany(
            "UPDATE projects SET lead_department_id = ? WHERE id = ?",
            [(rng.choice(ids), pid) for (pid,) in con.execute(synthetic).fetchall()],
        )
        for table in ("pledges", "blockers"):
            rows = con.execute(
                f"SELECT id FROM {table} WHERE project_id IN ({synthetic})"
            ).fetchall()
            con.executemany(
                f"UPDATE {table} SET department_id = ? WHERE id = ?",
                [(rng.choice(ids), rid) for (rid,) in rows],
            )
        # Like the demo: the zone's history starts now.
        con.execute("DELETE FROM change_log")
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("projects", "departments", "pledges", "blockers")
        }
    finally:
        con.close()
    return counts


def delete_journal_copy(source: Path, target: Path) -> None:
    """A copy of `source` in journal_mode=DELETE, as a network share needs for `--poll`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
