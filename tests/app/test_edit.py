"""Edit mode (`board --edit`): keys change the data through the write layer; an edit made
against a row that another process changed meanwhile is refused, shown, and can be reapplied."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input

from board.cli import DisplayOptions
from board.ui.app import BoardApp
from board.ui.screens.department import DepartmentScreen, PledgeList
from board.ui.screens.forms import ChoiceScreen, ConfirmScreen, ConflictScreen, FormScreen
from tests.conftest import TODAY, make_app, settle, text_of, wait_for, write_sql

WIDE = (160, 48)


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def editing_app(db: Path) -> BoardApp:
    return make_app(db, options=DisplayOptions(today=TODAY, edit=True))


async def open_land_bureau(app: BoardApp, pilot: object) -> int:
    """Open 土地局's page with its first pledge under the cursor; return that pledge's id."""
    assert app.board is not None
    land = next(d.id for d in app.board.snapshot.departments if d.name == "土地局")
    app.open_department(land)
    await pilot.pause()  # type: ignore[attr-defined]
    pledges = app.screen.query_one(PledgeList)
    pledges.focus()
    await pilot.pause()  # type: ignore[attr-defined]
    pledge_id = pledges.pledge_id_at_cursor()
    assert pledge_id is not None
    return pledge_id


async def test_x_marks_the_pledge_under_the_cursor_done(demo_db: Path) -> None:
    app = editing_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        pledge_id = await open_land_bureau(app, pilot)
        assert query(demo_db, f"SELECT status FROM pledges WHERE id={pledge_id}")[0][0] != "done"
        await pilot.press("x")
        # 完成 is asked first: nothing is written until it is confirmed.
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="asked first")
        await pilot.pause()
        assert query(demo_db, f"SELECT status FROM pledges WHERE id={pledge_id}")[0][0] != "done"
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: (
                query(demo_db, f"SELECT status FROM pledges WHERE id={pledge_id}")[0][0] == "done"
            ),
            what="pledge written done",
        )
        assert (
            query(demo_db, f"SELECT done_on FROM pledges WHERE id={pledge_id}")[0][0]
            == TODAY.isoformat()
        )
        await wait_for(
            pilot,
            lambda: (
                app.board is not None
                and any(
                    p.id == pledge_id and p.status == "done" for p in app.board.snapshot.pledges
                )
            ),
            what="board shows its own edit",
        )


async def test_plain_display_never_writes(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = query(demo_db, "SELECT count(*) FROM change_log")
        pledge_id = await open_land_bureau(app, pilot)
        await pilot.press("x", "e", "a")
        await pilot.pause(0.3)
        assert isinstance(app.screen, DepartmentScreen)
        assert query(demo_db, "SELECT count(*) FROM change_log") == before
        assert app.writer is None
        assert query(demo_db, f"SELECT status FROM pledges WHERE id={pledge_id}")[0][0] != "done"


async def test_add_pledge_form_checks_the_date_in_chinese(demo_db: Path) -> None:
    app = editing_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await open_land_bureau(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-content", Input).value = "会上表态：本月底前完成供地"
        form.query_one("#field-due_on", Input).value = "2023-13-45"
        form.save()
        await pilot.pause()
        assert app.screen is form
        assert "日期格式不对" in text_of(form.query_one("#error-due_on"))
        form.query_one("#field-due_on", Input).value = "2026-12-20"
        form.save()
        await wait_for(
            pilot,
            lambda: (
                query(demo_db, "SELECT count(*) FROM pledges WHERE content LIKE '会上表态%'")[0][0]
                == 1
            ),
            what="pledge added",
        )
        row = query(
            demo_db,
            "SELECT d.name, p.due_on FROM pledges p JOIN departments d ON d.id = p.department_id "
            "WHERE p.content LIKE '会上表态%'",
        )
        assert row == [("土地局", "2026-12-20")]


async def test_stage_progress_and_blocker_on_a_project(demo_db: Path) -> None:
    app = editing_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.board is not None
        project = next(p for p in app.board.snapshot.projects if p.code == "KF-10")
        app.open_project(project.id)
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-progress", Input).value = "120"
        app.screen.save()
        await pilot.pause()
        assert "0–100" in text_of(app.screen.query_one("#error-progress"))
        app.screen.query_one("#field-progress", Input).value = "77"
        app.screen.save()
        await wait_for(
            pilot,
            lambda: query(demo_db, "SELECT progress FROM projects WHERE code='KF-10'")[0][0] == 77,
            what="progress written",
        )
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        app.screen.dismiss("utilities")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-description", Input).value = "临时用电未接入"
        app.screen.query_one("#field-department", Input).value = "公用事业局"
        app.screen.query_one("#field-due_on", Input).value = "2026-12-05"
        app.screen.save()
        await wait_for(
            pilot,
            lambda: (
                query(
                    demo_db,
                    "SELECT category, due_on FROM blockers WHERE description='临时用电未接入'",
                )
                == [("utilities", "2026-12-05")]
            ),
            what="blocker added",
        )


async def test_a_conflicting_edit_is_refused_shown_and_can_be_reapplied(demo_db: Path) -> None:
    app = editing_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        pledge_id = await open_land_bureau(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        # Meanwhile a second board process changes the same pledge.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "board",
                "pledge",
                "set",
                str(pledge_id),
                "--content",
                "对方的修改",
                "--db",
                str(demo_db),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        form.query_one("#field-content", Input).value = "我的修改"
        form.save()
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ConflictScreen)
            and bool(app.screen.query(".form-title")),
            what="conflict shown",
        )  # its widgets mounted too: on a loaded machine they come a frame after the screen
        message = text_of(app.screen.query(".form-title").first()) + text_of(
            app.screen.query("Static").last()
        )
        shown = " ".join(text_of(s) for s in app.screen.query("Static"))
        assert "对方的修改" in shown and "我的修改" in shown, (message, shown)
        assert (
            query(demo_db, f"SELECT content FROM pledges WHERE id={pledge_id}")[0][0]
            == "对方的修改"
        )
        app.screen.dismiss(True)
        await wait_for(
            pilot,
            lambda: (
                query(demo_db, f"SELECT content FROM pledges WHERE id={pledge_id}")[0][0]
                == "我的修改"
            ),
            what="mine reapplied",
        )


async def test_two_edit_boards_never_silently_overwrite(demo_db: Path) -> None:
    """Board A saves after board B changed the row: A is refused until it chooses to reapply."""
    first = editing_app(demo_db)
    async with first.run_test(size=WIDE) as pilot:
        await settle(pilot)
        pledge_id = await open_land_bureau(first, pilot)
        await pilot.press("u")
        await pilot.pause()
        form = first.screen
        assert isinstance(form, FormScreen)
        write_sql(demo_db, f"UPDATE pledges SET due_on = '2027-01-10' WHERE id = {pledge_id};")
        form.query_one("#field-due_on", Input).value = "2026-12-31"
        form.save()
        await wait_for(pilot, lambda: isinstance(first.screen, ConflictScreen), what="conflict")
        first.screen.dismiss(False)
        await pilot.pause(0.3)
        assert (
            query(demo_db, f"SELECT due_on FROM pledges WHERE id={pledge_id}")[0][0] == "2027-01-10"
        )


async def test_x_asked_and_cancelled_writes_nothing(demo_db: Path) -> None:
    app = editing_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = query(demo_db, "SELECT count(*) FROM change_log")
        await open_land_bureau(app, pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="asked first")
        await pilot.pause()
        shown = " ".join(text_of(s) for s in app.screen.query("Static"))
        assert "已完成" in shown  # it says what it will do, and to which pledge
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert isinstance(app.screen, DepartmentScreen)
        assert query(demo_db, "SELECT count(*) FROM change_log") == before


async def test_forms_name_their_row_and_the_project_code_shows_its_name(demo_db: Path) -> None:
    app = editing_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await open_land_bureau(app, pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen), what="pledge form")
        await pilot.pause()
        form = app.screen
        assert "土地局" in text_of(form.query_one(".form-title"))
        form.query_one("#field-project", Input).value = "KF-09"
        await pilot.pause()
        assert "天润" in text_of(form.query_one("#names-project"))
        form.query_one("#field-project", Input).value = "KF-99"
        await pilot.pause()
        assert "没有这个项目编号" in text_of(form.query_one("#names-project"))
