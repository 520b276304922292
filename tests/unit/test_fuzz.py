"""Fuzz the read path with hypothesis: rows nobody would type (markup, control characters,
10,000-character text, NULLs, dates that are not dates, codes outside the lists, numbers that
are not finite, bytes that are not UTF-8 stored as TEXT, references to rows that do not exist)
are written into a real SQLite file with plain sqlite3, then loaded, judged and selected the
way the board does. No exception may escape: a bad value becomes a bad row on screen, never a
dead board.

Two files per example: one with board's real schema, written with `ignore_check_constraints`
and foreign keys off (what the sqlite3 command line allows), and one whose tables have board's
column names but no types or constraints at all (a file another tool made), where any value of
any type can sit in any column.
"""

from __future__ import annotations

import itertools
import math
import sqlite3
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from board.domain.since import since_last_meeting
from board.domain.status import evaluate
from board.store import models as m
from board.store.engine import make_engine
from board.store.migrations import SCHEMA_VERSION
from board.store.reader import load_snapshot
from board.store.rows import read_all, read_blocker, read_goal, read_pledge, read_project
from board.store.schema import create_database
from board.store.source import SnapshotSource
from board.ui.text import fit
from board.view.board import Board
from board.view.selections import (
    DEPARTMENT_ORDERS,
    LIGHT_FILTERS,
    PROJECT_SORTS,
    ViewState,
    ranking,
    red_projects,
    select_blockers,
    select_departments,
    select_projects,
)
from board.view.words import clean, days_phrase, money, pipeline, progress_bar
from tests.conftest import TODAY

TABLES = (
    "departments", "projects", "meetings", "pledges", "blockers", "milestones", "sprints",
    "sprint_goals",
)  # fmt: skip
COLUMNS = {
    name: [c.name for c in m.Base.metadata.tables[name].columns if c.name != "id"]
    for name in (*TABLES, "change_log")
}
DAYS = (TODAY, date(1, 1, 1), date(9999, 12, 31))

HOSTILE_TEXT = (
    "[/b]",
    "[red]红[/]",
    "[link=https://example.invalid]点这里[/link]",
    "[bold",
    "\x1b[31m红字\x1b[0m\x1b]0;title\x07",
    "\x00NUL\x00",
    "制表\t换行\n回车\r",
    "🚧工程👷‍♀️🇨🇳",
    "ｗｉｄｅ全角ｘ half",
    "e\u0301\u0301\u0301",
    "\u202eRTL\u202c\u200b\ufeff",
    "\u2028\u2029\x85",
    "长" * 10_000,
    "x" * 10_000,
    "",
    " ",
    "NULL",
    "%s {0} {name}",
)
NOT_DATES = (
    "2026-02-30",
    "2026-13-01",
    "tomorrow",
    "2026/11/29",
    "29.11.2026",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2026-11-29T25:99",
    "20261129",
    "2026-W48-7",
    "  2026-11-29  ",
    "2026-11-29 extra",
)
CODES = (
    "investment", "upgrade", "incubation", "infrastructure",
    "signed", "landed", "started", "completed", "producing",
    "open", "in_progress", "done", "dropped",
    "land", "funds", "permits", "utilities", "stability", "other",
    "bureau", "office", "village", "enterprise",
    "insert", "update", "delete",
    "projects", "pledges", "blockers", "departments", "sprints", "sprint_goals",
    "status", "stage", "resolved_on", "name", "content",
    "SIGNED", "已开工", "unknown",
)  # fmt: skip

texts = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
)
dates_text = st.one_of(
    st.sampled_from(NOT_DATES),
    st.dates().map(date.isoformat),
    st.dates(min_value=date(2026, 10, 1), max_value=date(2027, 1, 31)).map(date.isoformat),
)
numbers = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from((0, 1, 50, 100, 101, -1, 1e308, -1e308, 9e999, 0.5)),
)


class RawText(bytes):
    """Bytes stored as TEXT (`CAST(? AS TEXT)`): what a tool writing GBK leaves behind."""


anything = st.one_of(
    st.none(),
    texts,
    dates_text,
    numbers,
    st.sampled_from(CODES),
    st.binary(max_size=12),
    st.one_of(st.binary(min_size=1, max_size=12), st.just("工程".encode("gbk"))).map(RawText),
)
references = st.one_of(st.integers(min_value=0, max_value=7), anything)


def column_values(name: str) -> st.SearchStrategy[Any]:
    """Mostly plausible values for the column, and anything at all the rest of the time."""
    if name.endswith("_id"):
        return references
    if name.endswith("_on") or name in ("at", "updated_at"):
        return st.one_of(dates_text, anything)
    if name in ("category", "stage", "status", "kind", "action", "table_name", "column_name"):
        return st.one_of(st.sampled_from(CODES), anything)
    if name in ("progress", "baseline_progress", "target_progress", "sort_order", "version"):
        return st.one_of(st.integers(min_value=-5, max_value=120), anything)
    return anything


def rows_for(table: str, max_rows: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    row = st.fixed_dictionaries({}, optional={c: column_values(c) for c in COLUMNS[table]})
    return st.lists(row, max_size=max_rows)


contents = st.fixed_dictionaries(
    {
        **{table: rows_for(table, 6) for table in TABLES},
        "change_log": rows_for("change_log", 10),
        "meta": st.fixed_dictionaries(
            {},
            optional={k: anything for k in ("zone_name", "season_end", "year_end")},
        ),
        "loose": st.booleans(),
    }
)
second_batch = st.fixed_dictionaries(
    {
        "pledges": rows_for("pledges", 3),
        "projects": rows_for("projects", 3),
        "update": st.tuples(
            st.sampled_from(("projects", "pledges", "blockers", "departments")),
            st.integers(min_value=1, max_value=7),
            st.sampled_from(("name", "content", "description", "due_on", "status", "progress")),
            anything,
        ),
        "delete": st.tuples(
            st.sampled_from(("projects", "pledges", "blockers", "departments", "meetings")),
            st.integers(min_value=1, max_value=7),
        ),
    }
)


# Template files, made once: copying bytes is much faster than creating a schema per example.
_TEMPLATES: dict[bool, bytes] = {}


def template(loose: bool) -> bytes:
    if loose not in _TEMPLATES:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.db"
            if loose:
                con = sqlite3.connect(path)
                for name in (*TABLES, "change_log"):
                    cols = ", ".join(f'"{c}"' for c in COLUMNS[name])
                    con.execute(f'CREATE TABLE "{name}" (id INTEGER PRIMARY KEY, {cols})')
                con.execute("CREATE TABLE board_meta (key PRIMARY KEY, value)")
                con.execute(
                    "INSERT INTO board_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
                con.commit()
                con.close()
            else:
                create_database(path, {"zone_name": "", "season_end": "", "year_end": ""})
                con = sqlite3.connect(path)
                con.execute("PRAGMA journal_mode = DELETE")  # one file to copy
                con.close()
            _TEMPLATES[loose] = path.read_bytes()
    return _TEMPLATES[loose]


def mark(value: Any) -> str:
    return "CAST(? AS TEXT)" if isinstance(value, RawText) else "?"


def insert(con: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if not row:
            con.execute(f'INSERT OR IGNORE INTO "{table}" DEFAULT VALUES')
            continue
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join(mark(v) for v in row.values())
        con.execute(
            f'INSERT OR IGNORE INTO "{table}" ({cols}) VALUES ({marks})', list(row.values())
        )


def raw_writer(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection that lets through whatever the file will hold."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA ignore_check_constraints = ON")
    con.execute("PRAGMA foreign_keys = OFF")
    return con


def write_first(path: Path, data: dict[str, Any]) -> None:
    path.write_bytes(template(data["loose"]))
    con = raw_writer(path)
    con.execute("BEGIN")
    for table in TABLES:
        insert(con, table, data[table])
    insert(con, "change_log", data["change_log"])
    for key, value in data["meta"].items():
        con.execute("INSERT OR REPLACE INTO board_meta (key, value) VALUES (?, ?)", (key, value))
    con.execute("COMMIT")
    con.close()


def write_second(path: Path, batch: dict[str, Any]) -> None:
    con = raw_writer(path)
    con.execute("BEGIN")
    insert(con, "pledges", batch["pledges"])
    insert(con, "projects", batch["projects"])
    table, row_id, column, value = batch["update"]
    if column in COLUMNS[table]:
        con.execute(
            f'UPDATE OR IGNORE "{table}" SET "{column}" = {mark(value)} WHERE id = ?',
            (value, row_id),
        )
    table, row_id = batch["delete"]
    con.execute(f'DELETE FROM "{table}" WHERE id = ?', (row_id,))
    con.execute("COMMIT")
    con.close()


def exercise(board: Board) -> None:
    """Everything the panels, the slideshow and the detail screens ask of a board."""
    snap = board.snapshot
    department_ids = [None, *(d.id for d in snap.departments[:2]), 12345]
    needles = ["", "[", "长", "\x1b", "nul"]
    for sort, light, order in itertools.product(PROJECT_SORTS, LIGHT_FILTERS, DEPARTMENT_ORDERS):
        state = ViewState(light_filter=light, sort=sort, department_order=order)
        select_projects(board, state)
        select_departments(board, state)
        select_departments(board, state, limit=2)
        select_blockers(board, state)
    for needle, dept in itertools.product(needles, department_ids):
        state = ViewState(text=needle, department_id=dept)
        select_projects(board, state)
        select_departments(board, state, limit=8)
        select_blockers(board, state)
    ranking(board)
    red_projects(board)
    for blocker in snap.blockers:
        board.blocker_light(blocker)
    # The text the widgets draw from these rows.
    for project in snap.projects:
        for value in (project.name, project.code, project.progress_note, project.owner):
            fit(clean(value), 16)
        money(project.total_investment)
        money(project.year_plan_investment)
        money(project.year_done_investment)
        progress_bar(project.progress)
        pipeline(project.stage)
        board.department_name(project.lead_department_id)
        board.project_light(project.id)
    for pledge in snap.pledges:
        fit(clean(pledge.content), 30)
        days_phrase(pledge.due_on, board.today)
    money(sum(p.year_plan_investment or 0.0 for p in snap.projects))
    money(sum(p.year_done_investment or 0.0 for p in snap.projects))


def check_numbers_are_finite(board: Board) -> None:
    """What the widgets format must be a real number (an infinite one cannot be drawn)."""
    for p in board.snapshot.projects:
        for value in (p.total_investment, p.year_plan_investment, p.year_done_investment):
            assert value is None or math.isfinite(value), (p.id, value)
        assert 0 <= p.progress <= 100


@settings(
    max_examples=50,
    deadline=None,
    # No shrinking: a 10,000-character example shrinks for minutes. A failure prints its
    # example and the seed to replay it with (pytest --hypothesis-seed=N).
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=contents, batch=second_batch)
def test_hostile_rows_never_raise(data: dict[str, Any], batch: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.db"
        write_first(path, data)

        # The display's path: the one read-only connection, checks, a full load.
        source = SnapshotSource(path)
        try:
            first = source.poll(force=True)
            assert first is not None
            boards = [Board.build(first, day) for day in DAYS]
            for board in boards:
                check_numbers_are_finite(board)
                exercise(board)
                evaluate(first, board.today)
                since_last_meeting(first, board.today)

            if data["loose"]:
                return  # no triggers in a file another tool made: nothing logs the next write
            # Another writer, then the next poll (an incremental load when the log allows it).
            write_second(path, batch)
            second = source.poll() or first  # None: the batch changed nothing
            for previous in boards:
                board = Board.build(second, previous.today, previous)
                exercise(board)
        finally:
            source.close()

        # The incremental picture must be what a full load from scratch sees.
        engine = make_engine(path, read_only=True)
        try:
            with engine.connect() as conn, conn.begin():
                full = load_snapshot(conn, second.data_version)
                # A full read takes the fast path for ordinary rows; whatever the rows hold,
                # it must give exactly what the careful reader gives.
                for name, careful in (
                    ("projects", read_project),
                    ("pledges", read_pledge),
                    ("blockers", read_blocker),
                ):
                    table = m.Base.metadata.tables[name]
                    assert read_all(conn, table, careful, table.c.id) == getattr(full, name)
                goals = m.SprintGoal.__table__
                if full.sprint is not None:
                    rows = conn.execute(select(goals).where(goals.c.sprint_id == full.sprint.id))
                    slow = (read_goal(full.sprint.id, dict(r._mapping)) for r in rows)
                    assert {g.project_id: g for g in slow} == dict(full.goals)
        finally:
            engine.dispose()
        for table in ("projects", "pledges", "blockers", "meetings"):
            assert getattr(second, table) == getattr(full, table), table
        # Departments: the same rows; their order may differ when sort_order is not a number
        # (test_department_order_is_the_same_after_an_incremental_load).
        assert {d.id: d for d in second.departments} == {d.id: d for d in full.departments}


@pytest.mark.parametrize("value", ["9e999", "-9e999", "1e308"])
def test_numbers_beyond_any_amount_are_bad_values(tmp_path: Path, value: str) -> None:
    """`UPDATE projects SET total_investment = 9e999` stores infinity (SQLite allows it, and
    no CHECK covers money): the row is shown as bad, and the sums stay drawable."""
    path = tmp_path / "inf.db"
    path.write_bytes(template(False))
    con = raw_writer(path)
    con.execute(
        "INSERT INTO projects (code, name, category, stage, progress, total_investment, "
        f"year_plan_investment, year_done_investment, version) VALUES ('A', 'a', "
        f"'investment', 'signed', {value}, {value}, {value}, {value}, {value})"
    )
    con.execute(
        "INSERT INTO projects (code, name, category, stage, year_plan_investment) "
        f"VALUES ('B', 'b', 'investment', 'signed', {value})"
    )
    con.close()
    source = SnapshotSource(path)
    try:
        snap = source.poll(force=True)
    finally:
        source.close()
    assert snap is not None
    project = next(p for p in snap.projects if p.code == "A")
    assert {"progress", "total_investment", "year_plan_investment"} <= set(project.problems)
    board = Board.build(snap, TODAY)
    check_numbers_are_finite(board)
    exercise(board)


def test_department_order_is_the_same_after_an_incremental_load(tmp_path: Path) -> None:
    """A department whose sort_order is 'abc' (a bad value, read as 0) keeps its place between a
    full and an incremental load: the departments panel never reorders itself on a refresh."""
    path = tmp_path / "order.db"
    path.write_bytes(template(False))
    con = raw_writer(path)
    con.execute("INSERT INTO departments (id, name, sort_order) VALUES (1, 'A', 'abc')")
    con.execute("INSERT INTO departments (id, name, sort_order) VALUES (2, 'B', 0)")
    con.close()
    source = SnapshotSource(path)
    try:
        first = source.poll(force=True)
        assert first is not None
        order = [d.name for d in first.departments]
        assert sorted(order) == ["A", "B"]
        con = raw_writer(path)
        con.execute("UPDATE departments SET short_name = 'a' WHERE id = 1")
        con.close()
        second = source.poll()
        assert second is not None
        assert [d.name for d in second.departments] == order
    finally:
        source.close()


@given(
    ident=st.integers(),
    content=st.text(max_size=30),
    due=st.none() | st.dates(),
    status=st.sampled_from(["open", "in_progress", "done", "dropped"]),
    version=st.integers(min_value=1),
)
@settings(max_examples=50, deadline=None)
def test_the_fast_constructor_makes_what_the_dataclass_makes(
    ident: int, content: str, due: date | None, status: str, version: int
) -> None:
    """The fast path builds rows by filling slots directly: the same, equal, hashable, frozen
    object as the dataclass's own constructor, defaults included."""
    import dataclasses

    from board.domain.snapshot import Pledge
    from board.store.construct import slot_maker

    made = slot_maker(Pledge)(ident, 7, content, due_on=due, status=status, version=version)
    built = Pledge(ident, 7, content, due_on=due, status=status, version=version)
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert made.problems == () and made.project_id is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.content = "changed"  # type: ignore[misc]


def test_the_fast_constructor_refuses_what_it_cannot_fill() -> None:
    import dataclasses

    from board.store.construct import slot_maker

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = dataclasses.field(default_factory=list)

    for cls in (NoSlots, Factory):
        with pytest.raises(TypeError):
            slot_maker(cls)
