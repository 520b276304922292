"""Live refresh: the board runs under `run_test` while a second process writes the file with
plain sqlite3 (insert, update, delete; WAL and DELETE journals; a file replaced by rename)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from board.store.demo import build_demo
from board.ui.app import BoardApp
from board.ui.screens.project import ProjectScreen
from board.ui.widgets.projects import ProjectsTable
from tests.conftest import TODAY, make_app, settle, text_of, wait_for, write_sql

WIDE = (160, 48)


def names(app: BoardApp) -> list[str]:
    assert app.board is not None
    table = app.overview.query_one(ProjectsTable)  # type: ignore[union-attr]
    return [app.board.projects[k].name for k in table.project_ids() if k in app.board.projects]


def cursor_project(app: BoardApp) -> int | None:
    return app.overview.query_one(ProjectsTable).project_id_at_cursor()  # type: ignore[union-attr]


def cell_texts(app: BoardApp) -> str:
    table = app.overview.query_one(ProjectsTable)  # type: ignore[union-attr]
    return "\n".join(" ".join(row) for row in table.plain_rows())


@pytest.mark.parametrize("journal", ["WAL", "DELETE"])
async def test_update_insert_delete_from_another_process(demo_db: Path, journal: str) -> None:
    if journal != "WAL":
        write_sql(demo_db, "SELECT 1;", journal=journal)
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")
        kept = cursor_project(app)
        assert kept is not None

        write_sql(demo_db, "UPDATE projects SET name = '改名后的项目' WHERE code = 'KF-01';")
        await wait_for(pilot, lambda: "改名后的项目" in cell_texts(app), what="update shown")
        assert cursor_project(app) == kept
        assert app.board is not None
        renamed = next(p.id for p in app.board.snapshot.projects if p.code == "KF-01")
        assert renamed in app.lit("project")

        write_sql(
            demo_db,
            "INSERT INTO projects (code, name, category, stage, progress) "
            "VALUES ('NEW-1', '新签约项目', 'investment', 'signed', 0);",
        )
        await wait_for(pilot, lambda: "新签约项目" in names(app), what="insert shown")
        assert cursor_project(app) == kept

        write_sql(demo_db, "DELETE FROM projects WHERE code = 'NEW-1';")
        await wait_for(pilot, lambda: "新签约项目" not in names(app), what="delete shown")
        assert cursor_project(app) == kept
        assert app.fresh.changes > 0


async def test_pledge_change_reaches_the_department_card(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        write_sql(
            demo_db,
            "INSERT INTO pledges (department_id, content, due_on, status) "
            "SELECT id, '会上新表态：本周完成供地', '2026-11-30', 'open' FROM departments "
            "WHERE name = '土地局';",
        )
        await wait_for(
            pilot,
            lambda: (
                app.board is not None
                and any(p.content.startswith("会上新表态") for p in app.board.snapshot.pledges)
            ),
            what="pledge loaded",
        )
        assert app.board is not None
        land = next(d.id for d in app.board.snapshot.departments if d.name == "土地局")
        assert land in app.lit("department")


async def test_file_replaced_by_rename(demo_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "incoming.db"
    build_demo(other, TODAY)
    write_sql(other, "UPDATE projects SET name = '同步工具送来的新文件' WHERE code = 'KF-02';")
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        os.replace(other, demo_db)
        await wait_for(pilot, lambda: "同步工具送来的新文件" in names(app), what="new file shown")


async def test_markup_like_text_is_shown_as_typed(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        write_sql(
            demo_db,
            "UPDATE projects SET name = '[/b][red]x[/]' WHERE code = 'KF-01';"
            "UPDATE departments SET name = '[bold]村[/bold]' WHERE name = '前屯村';",
        )
        await wait_for(pilot, lambda: "[/b][red]x[/]" in cell_texts(app), what="markup as text")
        assert app.board is not None
        project = next(p for p in app.board.snapshot.projects if p.code == "KF-01")
        app.open_project(project.id)
        await pilot.pause()
        assert "[/b][red]x[/]" in text_of(app.screen.query_one("#detail-title"))


async def test_deleted_file_keeps_last_data_and_recovers(demo_db: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    shutil.copy(demo_db, backup)
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = names(app)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{demo_db}{suffix}").unlink(missing_ok=True)
        await wait_for(pilot, lambda: app.error is not None, what="missing file noticed")
        banner = app.overview.query_one("#banner")  # type: ignore[union-attr]
        assert "数据暂不可读" in text_of(banner) and "09:41" in text_of(banner)
        assert names(app) == before
        shutil.copy(backup, demo_db)
        await wait_for(pilot, lambda: app.error is None, what="recovery")
        assert not banner.has_class("-on")


async def test_open_detail_of_a_deleted_project_says_so(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.board is not None
        victim = next(p for p in app.board.snapshot.projects if p.code == "KF-05")
        app.open_project(victim.id)
        await pilot.pause()
        write_sql(demo_db, "DELETE FROM projects WHERE code = 'KF-05';")
        await wait_for(pilot, lambda: victim.id not in app.board.projects, what="delete loaded")  # type: ignore[union-attr]
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        assert "已被删除" in text_of(app.screen.query_one("#detail-title"))
        await pilot.press("escape")
        assert not isinstance(app.screen, ProjectScreen)


@pytest.mark.parametrize("poll", [False, True])
async def test_the_watcher_alone_sees_a_commit(demo_db: Path, poll: bool) -> None:
    """With the safety poll out of the picture, only inotify (or --poll) can bring the change."""
    from board.cli import DisplayOptions

    app = make_app(demo_db, options=DisplayOptions(today=TODAY, poll=poll), safety_poll=3600)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        write_sql(demo_db, "UPDATE projects SET progress = 99 WHERE code = 'KF-01';")
        await wait_for(
            pilot,
            lambda: app.board is not None
            and any(p.code == "KF-01" and p.progress == 99 for p in app.board.snapshot.projects),
            what="watcher-driven refresh",
        )


async def test_a_commit_seen_by_its_event_before_it_is_visible_still_shows(
    demo_db: Path,
) -> None:
    """In WAL mode the watcher's event (frames written) can come just before the commit is
    visible (the WAL index updated, which no event reports): the check it starts finds nothing
    new. The board checks once more after such a check, so the change still shows without the
    safety poll. Here the writer holds its commit until the first check is over."""
    import subprocess
    import sys

    writer_script = (
        "import sqlite3, sys\n"
        "con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)\n"
        "con.execute('BEGIN IMMEDIATE')\n"
        "con.execute(\"UPDATE projects SET name = '确认后可见' WHERE code = 'KF-01'\")\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "con.execute('COMMIT')\n"
        "con.close()\n"
    )
    app = make_app(demo_db, watch=False, safety_poll=3600)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.confirm_seconds = 1.0  # room for the writer to commit after the first check
        writer = subprocess.Popen(
            [sys.executable, "-c", writer_script, str(demo_db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout is not None and writer.stdin is not None
            assert writer.stdout.readline() == "ready\n"
            checks = app.checks
            app.file_event()  # what the watcher calls on the frames' event
            await wait_for(pilot, lambda: app.checks > checks, what="the event's check")
            assert "确认后可见" not in names(app)
            writer.stdin.write("commit\n")
            writer.stdin.flush()
            assert writer.wait(timeout=10) == 0
        finally:
            if writer.poll() is None:
                writer.kill()
        await wait_for(pilot, lambda: "确认后可见" in names(app), what="the confirming check")
