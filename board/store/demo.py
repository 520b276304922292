"""Build the demo database: the zone of the speech from `data/demo_zone.toml`, plus synthetic
projects for scale work.

Dates in the source are day offsets, laid against `today` here, so the countdowns are right
whenever the demo is built. The file is built beside the target and moved into place in one
rename, so a board already watching the target sees one clean replacement.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import tempfile
import tomllib
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.exc import DBAPIError

from board.domain.codes import BLOCKER_CATEGORIES, CATEGORIES, STAGE_DATE_COLUMNS, STAGES
from board.errors import BoardError
from board.i18n import t
from board.store import models as m
from board.store.demo_history import EARLIER_DAYS, write_history
from board.store.demo_milestones import milestone_rows
from board.store.engine import checkpoint, explain, make_engine
from board.store.location import ServerDb, Where, is_server
from board.store.pg import install_pg_schema, pg_demo_has_changes, prepare_pg_demo, reset_sequences
from board.store.schema import ensure_writable_dir, install_schema, set_wal

PACKAGE_DIR = Path(__file__).resolve().parent.parent
SOURCE_CANDIDATES = (
    PACKAGE_DIR.parent / "data" / "demo_zone.toml",  # a checkout / editable install
    PACKAGE_DIR / "data" / "demo_zone.toml",  # a wheel (force-included there)
)
EARLIER_MEETING, CURRENT_MEETING = 1, 2  # meeting ids: two weeks ago, and today's
STAGE_OFFSET_KEYS = {
    "signed": "signed",
    "landed": "landed",
    "started": "started",
    "completed": "completed",
    "producing": "producing",
}


def default_source() -> Path:
    """The demo zone source shipped with board."""
    for candidate in SOURCE_CANDIDATES:
        if candidate.exists():
            return candidate
    return SOURCE_CANDIDATES[0]


def load_source(path: Path) -> dict[str, Any]:
    """Parse the TOML source; a broken file is one clear error."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BoardError(t("err.demo_source", path=path, detail=exc)) from exc


class DayLayer:
    """Turns day offsets from the source into ISO dates around `today`."""

    def __init__(self, today: date) -> None:
        self.today = today

    def __call__(self, offset: Any) -> str | None:
        if offset is None:
            return None
        return (self.today + timedelta(days=int(offset))).isoformat()


def zone_rows(source: Mapping[str, Any], day: DayLayer) -> dict[str, list[dict[str, Any]]]:
    """Every row of the zone, keyed by table, ids assigned in source order."""
    zone = source["zone"]
    departments = [
        {
            "id": i,
            "name": d["name"],
            "short_name": d.get("short_name"),
            "kind": d.get("kind", "bureau"),
            "sort_order": i * 10,
        }
        for i, d in enumerate(source["departments"], start=1)
    ]
    dept_id = {d["name"]: d["id"] for d in departments}
    projects, goals = [], []
    for i, p in enumerate(source["projects"], start=1):
        row: dict[str, Any] = {
            "id": i,
            "code": p["code"],
            "name": p["name"],
            "category": p["category"],
            "stage": p["stage"],
            "progress": p.get("progress", 0),
            "progress_note": p.get("progress_note"),
            "lead_department_id": dept_id[p["lead"]],
            "responsible": p.get("responsible"),
            "leader": p.get("leader"),
            "owner": p.get("owner"),
            "location": p.get("location"),
            "total_investment": p.get("total_investment"),
            "year_plan_investment": p.get("year_plan_investment"),
            "year_done_investment": p.get("year_done_investment"),
            "planned_start_on": day(p.get("planned_start")),
            "planned_complete_on": day(p.get("planned_complete")),
        }
        for stage, column in STAGE_DATE_COLUMNS.items():
            row[column] = day(p.get(STAGE_OFFSET_KEYS[stage]))
        projects.append(row)
        if goal := p.get("goal"):
            goals.append(
                {
                    "sprint_id": 1,
                    "project_id": i,
                    "target_stage": goal.get("target_stage"),
                    "target_progress": goal.get("target_progress"),
                    "target_investment": goal.get("target_investment"),
                    "baseline_progress": goal.get("baseline_progress", 0),
                    "target_note": goal.get("note"),
                }
            )
    project_id = {p["code"]: p["id"] for p in projects}
    pledges = [
        {
            "department_id": dept_id[p["dept"]],
            "project_id": project_id.get(p.get("project", "")),
            # Done before today: pledged at the earlier meeting; the rest at today's.
            "meeting_id": EARLIER_MEETING if p.get("status") == "done" else CURRENT_MEETING,
            "content": p["content"],
            "due_on": day(p.get("due")),
            "status": p.get("status", "open"),
            "done_on": day(p.get("done")),
            "note": p.get("note"),
        }
        for p in source["pledges"]
    ]
    blockers = [
        {
            "project_id": project_id[b["project"]],
            "department_id": dept_id[b["dept"]],
            "category": b["category"],
            "description": b["description"],
            "opened_on": day(b.get("opened")),
            "due_on": day(b.get("due")),
            "resolved_on": day(b.get("resolved")),
        }
        for b in source["blockers"]
    ]
    return {
        "departments": departments,
        "projects": projects,
        "meetings": [
            {
                "id": EARLIER_MEETING,
                "held_on": day(-EARLIER_DAYS),
                "title": zone["earlier_meeting_title"],
            },
            {"id": CURRENT_MEETING, "held_on": day(0), "title": zone["meeting_title"]},
        ],
        "sprints": [
            {
                "id": 1,
                "name": zone["sprint_name"],
                "starts_on": day(zone.get("sprint_start_in", 0)),
                "ends_on": day(zone["season_end_in"]),
            }
        ],
        "sprint_goals": goals,
        "pledges": pledges,
        "blockers": blockers,
        "milestones": milestone_rows(projects, dept_id, day.today),
    }


SYNTH_PLACES = ("北区", "南区", "东区", "西区", "滨河", "高新", "临港", "新城", "园区", "经开")
SYNTH_FIRMS = (
    "恒通",
    "鑫源",
    "华瑞",
    "中科",
    "远大",
    "金泰",
    "宏达",
    "博远",
    "天成",
    "新元",
    "瑞丰",
    "嘉诚",
    "利民",
    "永安",
    "东方",
    "盛世",
    "凯达",
    "顺发",
    "晨光",
    "万象",
)
SYNTH_WORKS = (
    "新材料产业园",
    "精密铸造",
    "食品加工",
    "智能装备",
    "标准化厂房",
    "物流中心",
    "光伏组件",
    "生物医药",
    "电子元器件",
    "汽车零部件",
    "污水处理厂扩建",
    "变电站",
    "孵化器",
    "冷链仓储",
    "技改扩能",
)
SYNTH_PLEDGES = (
    "完成用地手续报批",
    "办理施工许可",
    "配套水电接入",
    "协调征地拆迁",
    "落实建设资金",
    "完成环评批复",
    "做好施工环境保障",
    "推进主体施工",
)
SYNTH_BLOCKERS = {
    "land": "用地指标未落实",
    "funds": "建设资金未到位",
    "permits": "手续审批滞后",
    "utilities": "水电路讯未配套",
    "stability": "周边群众阻工",
    "other": "设计变更待定",
}


def synthetic_rows(
    count: int, first_id: int, departments: int, today: date, seed: int = 7
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """`count` plausible projects with ~5 pledges each and some blockers, in batches."""
    rng = random.Random(seed)
    day = DayLayer(today)
    batch = 2000
    for start in range(0, count, batch):
        projects, goals, pledges, blockers = [], [], [], []
        for i in range(start, min(count, start + batch)):
            pid = first_id + i
            stage_i = rng.randrange(len(STAGES))
            offsets = sorted(rng.sample(range(-900, -5), 5))[: stage_i + 1]
            row: dict[str, Any] = {
                "id": pid,
                "code": f"SYN-{i + 1:05d}",
                "name": f"{rng.choice(SYNTH_PLACES)}{rng.choice(SYNTH_FIRMS)}"
                f"{rng.choice(SYNTH_WORKS)}项目",
                "category": rng.choice(CATEGORIES),
                "stage": STAGES[stage_i],
                "progress": min(100, stage_i * 22 + rng.randrange(0, 25)),
                "lead_department_id": rng.randrange(1, departments + 1),
                "total_investment": float(rng.randrange(500, 80000)),
                "year_plan_investment": float(rng.randrange(200, 5000)),
                "year_done_investment": float(rng.randrange(0, 200)),
                "planned_start_on": day(rng.randrange(-200, 200)),
                "planned_complete_on": day(rng.randrange(0, 700)),
            }
            for stage, column in STAGE_DATE_COLUMNS.items():
                k = STAGES.index(stage)
                row[column] = day(offsets[k]) if k < len(offsets) else None
            projects.append(row)
            goals.append(
                {
                    "sprint_id": 1,
                    "project_id": pid,
                    "target_stage": STAGES[min(4, stage_i + 1)],
                    "target_progress": min(100, row["progress"] + rng.randrange(5, 40)),
                    "baseline_progress": min(100, max(0, row["progress"] + rng.randrange(-10, 30))),
                    "target_note": None,
                    "target_investment": None,
                }
            )
            for _ in range(5):
                done = rng.random() < 0.25
                pledges.append(
                    {
                        "department_id": rng.randrange(1, departments + 1),
                        "project_id": pid,
                        "meeting_id": EARLIER_MEETING if done else CURRENT_MEETING,
                        "content": rng.choice(SYNTH_PLEDGES),
                        "due_on": day(rng.randrange(-30, 60)),
                        "status": "done" if done else rng.choice(("open", "in_progress")),
                        "done_on": day(-rng.randrange(0, 20)) if done else None,
                    }
                )
            if rng.random() < 0.3:
                category = rng.choice(BLOCKER_CATEGORIES)
                blockers.append(
                    {
                        "project_id": pid,
                        "department_id": rng.randrange(1, departments + 1),
                        "category": category,
                        "description": SYNTH_BLOCKERS[category],
                        "opened_on": day(-rng.randrange(1, 90)),
                        "due_on": day(rng.randrange(-20, 40)),
                        "resolved_on": day(-1) if rng.random() < 0.2 else None,
                    }
                )
        yield "projects", projects
        yield "sprint_goals", goals
        yield "pledges", pledges
        yield "blockers", blockers


TABLES = {
    name: m.Base.metadata.tables[name]
    for name in (
        "departments",
        "projects",
        "meetings",
        "sprints",
        "sprint_goals",
        "pledges",
        "blockers",
        "milestones",
    )
}


def insert_rows(conn: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(TABLES[table]), rows)


def checkpoint_target(path: Path) -> None:
    """Empty the old file's WAL before replacing it, so its frames never meet the new file."""
    if not Path(f"{path}-wal").exists():
        return
    # A file we cannot open has no WAL frames anyone will replay either.
    with contextlib.suppress(sqlite3.Error):
        checkpoint(path, busy_timeout_ms=2000)


def refuse_real_database(path: Path) -> None:
    """Only an earlier demo may be replaced: a real database is never overwritten."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
        try:
            row = raw.execute("SELECT value FROM board_meta WHERE key = 'demo'").fetchone()
        finally:
            raw.close()
    except sqlite3.Error:
        row = None
    if row is None or row[0] != "1":
        raise BoardError(t("err.not_demo", path=path), kind="exists")


def demo_has_changes(path: Where) -> bool:
    """True when someone wrote to this demo file after it was built (its change log goes on
    past where the demo's own history ends): rebuilding it would wipe that work."""
    if is_server(path):
        return pg_demo_has_changes(path)
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
        try:
            top = raw.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()[0]
            mark = raw.execute("SELECT value FROM board_meta WHERE key = 'demo_log_top'").fetchone()
        finally:
            raw.close()
    except sqlite3.Error:
        return False  # not readable as a demo: build_demo says why
    built_top = int(mark[0]) if mark and str(mark[0]).isdigit() else 0
    return int(top) > built_top


def fill_demo(
    conn: Connection,
    rows: dict[str, list[dict[str, Any]]],
    today: date,
    extra_projects: int,
    counts: dict[str, int],
) -> None:
    """The zone's rows, any synthetic projects, and the zone's history, into a new schema."""
    for table, table_rows in rows.items():
        insert_rows(conn, table, table_rows)
    if extra_projects > 0:
        for table, table_rows in synthetic_rows(
            extra_projects, len(rows["projects"]) + 1, len(rows["departments"]), today
        ):
            insert_rows(conn, table, table_rows)
            counts[table] += len(table_rows)
    # The inserts above are not history: the zone's log holds what happened since the
    # earlier meeting (for its own rows; synthetic ones arrive with no past).
    conn.exec_driver_sql("DELETE FROM change_log")
    if conn.dialect.name == "postgresql":
        reset_sequences(conn)  # so the history's ids start at 1 there too
    upto = {table: len(rows[table]) for table in ("projects", "pledges", "blockers")}
    write_history(conn, today, CURRENT_MEETING, upto)
    # Where the demo's own log ends: anything after it was written by someone.
    conn.exec_driver_sql(
        "INSERT INTO board_meta (key, value) "
        "SELECT 'demo_log_top', CAST(coalesce(max(id), 0) AS TEXT) FROM change_log "
        "WHERE true ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )


def build_demo_pg(
    where: ServerDb,
    rows: dict[str, list[dict[str, Any]]],
    meta: dict[str, str],
    today: date,
    extra_projects: int,
) -> dict[str, int]:
    """The demo in a server database, in one transaction (an earlier demo there is replaced)."""
    counts = {table: len(table_rows) for table, table_rows in rows.items()}
    engine = make_engine(where, read_only=False)
    try:
        with engine.begin() as conn:
            prepare_pg_demo(conn, where)
            install_pg_schema(conn, meta)
            fill_demo(conn, rows, today, extra_projects, counts)
            reset_sequences(conn)  # the zone's rows came with their ids
    except DBAPIError as exc:
        raise explain(exc, where) from exc
    finally:
        engine.dispose()
    return counts


def build_demo(
    path: Where, today: date, extra_projects: int = 0, source_path: Path | None = None
) -> dict[str, int]:
    """Write the demo database to `path` (replacing it); return row counts per table."""
    source = load_source(source_path or default_source())
    day = DayLayer(today)
    try:
        rows = zone_rows(source, day)
    except (KeyError, TypeError, ValueError) as exc:
        raise BoardError(
            t("err.demo_source", path=source_path or default_source(), detail=repr(exc))
        ) from exc
    zone = source["zone"]
    meta = {
        "demo": "1",
        "zone_name": zone["name"],
        "season_end": day(zone["season_end_in"]) or "",
        # 距年底 counts to 31 December of the build day's year.
        "year_end": date(today.year, 12, 31).isoformat(),
    }
    if is_server(path):
        return build_demo_pg(path, rows, meta, today, extra_projects)
    ensure_writable_dir(path)
    refuse_real_database(path)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".building", dir=path.parent
        )
    except OSError as exc:  # e.g. /proc: a folder that exists but takes no new files
        raise BoardError(t("err.readonly", path=path), kind="readonly") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the file from other tools
    counts = {table: len(table_rows) for table, table_rows in rows.items()}
    try:
        set_wal(tmp)
        engine = make_engine(tmp, read_only=False)
        with engine.begin() as conn:
            install_schema(conn, meta)
            fill_demo(conn, rows, today, extra_projects, counts)
        engine.dispose()
        checkpoint(tmp)
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        checkpoint_target(path)
        os.replace(tmp, path)
    except (DBAPIError, OSError) as exc:
        raise explain(exc, path) from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    return counts
