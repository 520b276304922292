"""自上次调度会以来: the report from a crafted change_log, the markers, and the screen (key c)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from board.store.reader import load_snapshot
from board.store.source import SnapshotSource
from board.ui.screens.since import SinceScreen
from board.ui.widgets.projects import ProjectsTable
from board.view.board import Board
from tests.conftest import TODAY, make_app, settle, text_of, wait_for, write_sql

LAST = (TODAY - timedelta(days=14)).isoformat()


def board_of(db: Path) -> Board:
    source = SnapshotSource(db)
    try:
        snapshot = source.poll(force=True)
    finally:
        source.close()
    assert snapshot is not None
    return Board.build(snapshot, TODAY)


def craft(db: Path) -> None:
    """A meeting two weeks ago, then a fortnight of work written by another tool (in place of
    the demo's own fortnight, so the report holds exactly what is written here)."""
    write_sql(
        db,
        f"""
        DELETE FROM milestones;
        DELETE FROM change_log;
        DELETE FROM meetings WHERE held_on < '{TODAY}';
        INSERT INTO meetings (held_on, title) VALUES ('{LAST}', '上次调度会');
        UPDATE projects SET stage = 'started', started_on = '{TODAY}' WHERE code = 'KF-11';
        UPDATE projects SET stage = 'signed' WHERE code = 'KF-12';
        UPDATE pledges SET status = 'done', done_on = '{TODAY}'
            WHERE id = (SELECT min(id) FROM pledges WHERE status = 'open');
        INSERT INTO pledges (department_id, content, due_on)
            SELECT id, '新表态：十二月底前完成征地', '2026-12-31'
            FROM departments WHERE name = '赵家坟村';
        INSERT INTO blockers (project_id, department_id, category, description, opened_on)
            SELECT p.id, d.id, 'stability', '新问题：群众阻工', '{TODAY}'
            FROM projects p, departments d WHERE p.code = 'KF-06' AND d.name = '公安局';
        UPDATE blockers SET resolved_on = '{TODAY}'
            WHERE id = (SELECT min(id) FROM blockers WHERE resolved_on IS NULL);
        INSERT INTO change_log (at, table_name, row_id, action, column_name, old_value, new_value)
            VALUES ('2000-01-01 00:00:00', 'pledges', 1, 'update', 'status', 'open', 'done');
        """,
    )


def test_report_from_a_crafted_change_log(demo_db: Path) -> None:
    craft(demo_db)
    board = board_of(demo_db)
    report = board.since
    assert report.since is not None and report.since.isoformat() == LAST
    kinds = {i.kind for i in report.items}
    assert kinds == {
        "stage_up",
        "pledge_done",
        "pledge_new",
        "pledge_overdue",
        "blocker_opened",
        "blocker_closed",
    }
    stage_ups = [i for i in report.items if i.kind == "stage_up"]
    assert [board.projects[i.row_id].code for i in stage_ups] == ["KF-11"]  # KF-12 went back
    new = [i for i in report.items if i.kind == "pledge_new"]
    assert [i.text for i in new] == ["新表态：十二月底前完成征地"]
    assert board.department_name(new[0].department_id) == "赵家坟村"
    overdue = [i for i in report.items if i.kind == "pledge_overdue"]
    for item in overdue:
        pledge = next(p for p in board.snapshot.pledges if p.id == item.row_id)
        assert pledge.due_on is not None and LAST <= pledge.due_on.isoformat() < TODAY.isoformat()
        assert not pledge.is_closed
    done = [i for i in report.items if i.kind == "pledge_done"]
    assert len(done) == 1  # the crafted entry from 2000 is before the meeting: not counted
    kf11 = next(p.id for p in board.snapshot.projects if p.code == "KF-11")
    assert kf11 in report.projects
    untouched = next(p.id for p in board.snapshot.projects if p.code == "KF-20")
    assert untouched not in report.projects


def test_a_fresh_demo_shows_the_fortnight_since_its_last_meeting(demo_db: Path) -> None:
    board = board_of(demo_db)
    report = board.since
    assert report.last_meeting is not None and report.since is not None
    assert report.since.isoformat() == LAST  # the demo's earlier meeting, two weeks back
    kinds = {i.kind for i in report.items}
    assert {"pledge_done", "pledge_new", "blocker_closed"} <= kinds
    assert report.projects and report.departments


def test_a_planned_meeting_is_not_the_last_one(demo_db: Path) -> None:
    """`board meeting new --date` a week ahead plans a meeting: the report still compares
    against the meeting before today, and counts from it."""
    before = board_of(demo_db).since
    ahead = (TODAY + timedelta(days=7)).isoformat()
    write_sql(demo_db, f"INSERT INTO meetings (held_on, title) VALUES ('{ahead}', '第二次调度会');")
    after = board_of(demo_db).since
    assert after.last_meeting == before.last_meeting
    assert after.items == before.items


async def test_c_shows_the_report_and_rows_carry_the_marker(demo_db: Path) -> None:
    craft(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ProjectsTable)
        marked = [row[1] for row in table.plain_rows() if row[1].startswith("◆")]
        assert len(marked) >= 2
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, SinceScreen)
        body = text_of(app.screen.query_one("#detail-body"))
        for word in ("阶段推进", "表态完成", "新表态", "新逾期", "新问题", "问题销号", "赵家坟村"):
            assert word in body
        title = text_of(app.screen.query_one("#detail-title"))
        assert LAST in title and "上次调度会" in title
        # A write while the report is open shows up in it.
        write_sql(
            demo_db,
            "INSERT INTO pledges (department_id, content, due_on) SELECT id, '会中新增表态', "
            "'2026-12-20' FROM departments WHERE name = '招商局';",
        )
        await wait_for(
            pilot,
            lambda: "会中新增表态" in text_of(app.screen.query_one("#detail-body")),
            what="report refreshed",
        )
        await pilot.press("c")
        assert not isinstance(app.screen, SinceScreen)


def test_reader_loads_changes_since_the_earlier_of_two_meetings(demo_db: Path) -> None:
    craft(demo_db)
    from board.store.engine import make_engine

    engine = make_engine(demo_db, read_only=True)
    with engine.connect() as conn:
        snapshot = load_snapshot(conn)
    engine.dispose()
    assert all(c.at >= LAST for c in snapshot.meeting_changes)
    assert len(snapshot.meeting_changes) >= 6


def busy_fortnight(db: Path, changes: int, batch: int = 1900) -> list[str]:
    """`changes` logged changes since the last meeting (progress moved on the projects, as a
    stream of small writes from another tool), in scripts of `batch` changes each."""
    scripts = []
    for start in range(0, changes, batch):
        count = min(batch, changes - start)
        step = "UPDATE projects SET progress = (progress + 1) % 100 WHERE id = {};"
        updates = "".join(step.format(1 + (start + k) % 25) for k in range(count))
        scripts.append(f"BEGIN;{updates}COMMIT;")
    return scripts


def since_of(snapshot: object) -> tuple[object, ...]:
    board = Board.build(snapshot, TODAY)  # type: ignore[arg-type]
    report = board.since
    return (report.items, report.projects, report.departments, report.blockers)


def test_two_boards_give_one_report_after_25000_changes(demo_db: Path) -> None:
    """A board that kept up incrementally and one started afterwards (a full load) report the
    same changes since the meeting, however many were logged; a forced reload too."""
    craft(demo_db)
    early = SnapshotSource(demo_db)
    try:
        assert early.poll(force=True) is not None
        for script in busy_fortnight(demo_db, 25_000):
            write_sql(demo_db, script)
            snapshot = early.poll()
            assert snapshot is not None and snapshot.delta is not None  # incremental
        # The newest changes: a pledge done and a stage advanced a moment ago.
        write_sql(
            demo_db,
            f"""
            UPDATE pledges SET status = 'done', done_on = '{TODAY}'
                WHERE id = (SELECT max(id) FROM pledges WHERE status = 'open');
            UPDATE projects SET stage = 'completed' WHERE code = 'KF-11';
            """,
        )
        kept = early.poll()
        assert kept is not None and kept.delta is not None
        late = board_of(demo_db).snapshot  # a board started now
        assert len(late.meeting_touched) > 0
        assert since_of(kept) == since_of(late)
        reloaded = early.poll(force=True)  # `r` on the first board
        assert since_of(reloaded) == since_of(late)
    finally:
        early.close()
    items = since_of(late)[0]
    done = [i for i in items if i.kind == "pledge_done"]  # type: ignore[attr-defined]
    assert len(done) == 2  # the one of the crafted fortnight, and the one a moment ago


def test_the_sql_and_the_python_test_of_a_reported_entry_agree(demo_db: Path) -> None:
    from board.domain.since import is_reported
    from board.store import models as m
    from board.store.engine import make_engine
    from board.store.reader import REPORTED
    from board.store.rows import read_change

    craft(demo_db)
    write_sql(
        demo_db,
        f"""
        UPDATE pledges SET status = 'in_progress' WHERE id = 3;
        UPDATE pledges SET note = 'x' WHERE id = 4;
        UPDATE blockers SET resolved_on = '' WHERE id = 2;
        UPDATE blockers SET resolved_on = '{TODAY}' WHERE id = 2;
        UPDATE blockers SET resolved_on = NULL WHERE id = 2;
        UPDATE projects SET progress = 7 WHERE id = 5;
        DELETE FROM pledges WHERE id = 6;
        UPDATE departments SET short_name = '新简称' WHERE id = 1;
        """,
    )
    log = m.ChangeLog.__table__
    engine = make_engine(demo_db, read_only=True)
    try:
        with engine.connect() as conn:
            from sqlalchemy import select

            every = [read_change(dict(r._mapping)) for r in conn.execute(select(log))]
            chosen = {r.id for r in conn.execute(select(log.c.id).where(REPORTED))}
    finally:
        engine.dispose()
    assert len(every) > 10
    assert {e.id for e in every if is_reported(e)} == chosen
    assert 0 < len(chosen) < len(every)
