"""The project and department pages as the room reads them: at 80×24 every column aligned
by cell width and every figure whole; a department's pledges all listed; a project's
milestone timeline and its 趋势 line (filled in from the change log, live); the milestone
edit keys in --edit."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from textual.widgets import Input, Sparkline, Static

from board.cli import DisplayOptions
from board.ui.app import BoardApp
from board.ui.screens.department import DepartmentScreen, PledgeList
from board.ui.screens.forms import ConfirmScreen, FormScreen
from board.ui.screens.project import MilestoneList, ProjectScreen
from board.ui.widgets.departments import DepartmentCards
from board.ui.widgets.rowlist import RowList
from tests.conftest import TODAY, make_app, settle, text_of, wait_for, write_sql

SMALL = (80, 24)
WIDE = (160, 48)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PHRASE = re.compile(r"(逾期|还剩) (\d+) 天")


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def drawn(static: Static) -> list[str]:
    """The lines a Static shows, at the width it has on screen."""
    console = Console(
        width=static.content_region.width, file=io.StringIO(), record=True, color_system=None
    )
    console.print(static.content)
    return console.export_text().splitlines()


def list_lines(rows: RowList) -> list[str]:
    return [rows.render_line(y).text.rstrip() for y in range(rows.size.height)]


def timeline_rows(page: ProjectScreen) -> tuple[str, list[str]]:
    """The timeline's header line and its rows (under the 关键节点 title)."""
    lines = list_lines(page.query_one(MilestoneList))
    header = next(i for i, line in enumerate(lines) if "截止" in line or "Due" in line)
    return lines[header], lines[header + 1 :]


def start_cell(line: str, piece: str) -> int:
    return cell_len(line[: line.index(piece)])


def project_id(app: BoardApp, code: str) -> int:
    assert app.board is not None
    return next(p.id for p in app.board.snapshot.projects if p.code == code)


def department_id(app: BoardApp, name: str) -> int:
    assert app.board is not None
    return next(d.id for d in app.board.snapshot.departments if d.name == name)


async def open_project(app: BoardApp, pilot: Any, code: str) -> ProjectScreen:
    app.open_project(project_id(app, code))
    await wait_for(pilot, lambda: isinstance(app.screen, ProjectScreen), what="project page")
    await pilot.pause()
    assert isinstance(app.screen, ProjectScreen)
    return app.screen


async def test_the_project_page_at_80x24_keeps_every_figure_whole_and_aligned(
    demo_db: Path,
) -> None:
    """KF-03 at 80 columns: its blockers' and pledges' day phrases and dates whole (they
    were folded to "还剩  小王  北区供水…"), the content of each list starting at one cell."""
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        page = await open_project(app, pilot, "KF-03")
        body = drawn(page.query_one("#detail-body", Static))
        assert max(cell_len(line) for line in body) <= page.query_one("#detail-body").size.width
        pledges = body[body.index("相关表态") + 1 :]
        pledges = pledges[: next(i for i, line in enumerate(pledges) if not line.strip())]
        firsts = [line for line in pledges if DATE.search(line)]
        assert len(firsts) == 2
        for line in firsts:
            assert PHRASE.search(line), line
        contents = ["协调供水管网", "水电路讯跟着"]
        assert len({start_cell(line, c) for line, c in zip(firsts, contents, strict=True)}) == 1
        blockers = [line for line in body if "还剩 3 天" in line or "还剩 10 天" in line]
        assert len(blockers) == 2
        # The timeline: a header, then each milestone with its deadline and light word.
        header, rows = timeline_rows(page)
        assert "责任单位" in header
        assert rows and all(DATE.search(line) for line in rows)
        assert any("完成 2026-" in line for line in rows)
        assert len({start_cell(line, DATE.search(line).group()) for line in rows}) == 1  # type: ignore[union-attr]


async def test_the_timeline_lists_the_milestones_by_due_date_with_their_lights(
    demo_db: Path,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        page = await open_project(app, pilot, "KF-03")
        expected = query(
            demo_db,
            "SELECT m.name, m.due_on, m.done_on FROM milestones m JOIN projects p "
            "ON p.id = m.project_id WHERE p.code = 'KF-03' ORDER BY m.due_on, m.sort_order",
        )
        _header, rows = timeline_rows(page)
        assert len(rows) == len(expected) >= 3
        for line, (name, due, done) in zip(rows, expected, strict=True):
            assert name in line and due in line
            if done:
                assert "✓完成" in line and f"完成 {done}" in line
            else:
                assert re.search(r"(●绿|▲黄|■红)", line) and PHRASE.search(line), line


async def test_the_department_page_lists_every_pledge_aligned(demo_db: Path) -> None:
    """Nine more pledges for 规划建设局: the page lists all fourteen (it showed five, then
    none, above empty lines), content starting at one cell, and the page follows the cursor."""
    values = ", ".join(
        f"((SELECT id FROM departments WHERE name = '规划建设局'), '补充表态第{n}项：按期办结', "
        f"'2026-12-{10 + n:02d}', {'NULL' if n % 2 else '1'})"
        for n in range(9)
    )
    write_sql(
        demo_db,
        f"INSERT INTO pledges (department_id, content, due_on, project_id) VALUES {values};",
    )
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_department(department_id(app, "规划建设局"))
        await wait_for(pilot, lambda: isinstance(app.screen, DepartmentScreen), what="page")
        await pilot.pause()
        pledges = app.screen.query_one(PledgeList)
        count = query(
            demo_db,
            "SELECT count(*) FROM pledges WHERE department_id = "
            "(SELECT id FROM departments WHERE name = '规划建设局')",
        )[0][0]
        assert count == 14
        assert pledges.option_count == count + 1  # and its header
        assert pledges.size.height == pledges.lines >= count + 1
        lines = list_lines(pledges)
        added = [line for line in lines if "补充表态第" in line]
        assert len(added) == 9
        assert len({start_cell(line, "补充表态第") for line in added}) == 1
        for line in lines[1:]:
            if DATE.search(line):
                assert PHRASE.search(line) or "已完成" in line, line
        await pilot.press("end")
        await pilot.pause()
        scroll = app.screen.query_one("#detail-scroll")
        assert scroll.scroll_y > 0
        top = pledges.virtual_region.y + pledges._tops[pledges.highlighted or 0]
        assert scroll.scroll_y <= top < scroll.scroll_y + scroll.size.height


async def test_a_picked_department_card_shows_all_its_pledges(demo_db: Path) -> None:
    """d picks one department: its card uses the panel (it showed four and "+2 条")."""
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        dept = department_id(app, "公用事业局")
        app.set_state(department_id=dept)
        await pilot.pause()
        cards = app.screen.query_one(DepartmentCards)
        card = cards._cards[0]
        total = query(demo_db, f"SELECT count(*) FROM pledges WHERE department_id = {dept}")[0][0]
        assert total >= 6
        assert card.height == 1 + total
        assert "+" not in card.prompt.plain


async def test_the_trend_line_fills_in_and_follows_a_second_process(demo_db: Path) -> None:
    """The kept page reads no history while hidden; shown, its 趋势 fills in from the change
    log; a write from another process adds to it, live."""
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.is_screen_installed("project"), what="kept page")
        kept = app.get_screen("project")
        assert isinstance(kept, ProjectScreen) and kept.trend_asked is None
        page = await open_project(app, pilot, "KF-03")
        line = page.query_one("#trend-line", Sparkline)
        await wait_for(pilot, lambda: len(line.data or []) > 1, what="trend read")
        assert line.display
        words = text_of(page.query_one("#trend-text"))
        assert "→ 20%" in words and "序时" in words
        # The log row carries the board's day (the triggers stamp the wall clock, and a
        # change after --today is in the replayed day's future).
        write_sql(
            demo_db,
            "BEGIN; UPDATE projects SET progress = 33 WHERE code = 'KF-03';"
            f"UPDATE change_log SET at = '{TODAY.isoformat()} 10:00:00' "
            "WHERE id = (SELECT max(id) FROM change_log); COMMIT;",
        )
        await wait_for(
            pilot, lambda: "→ 33%" in text_of(page.query_one("#trend-text")), what="new point"
        )
        assert (line.data or [])[-1] == 33


async def test_milestone_edit_keys_write_and_the_page_updates(demo_db: Path) -> None:
    app = make_app(demo_db, options=DisplayOptions(today=TODAY, edit=True))
    said: list[str] = []
    notify = app.notify

    def record(message: str, **kwargs: Any) -> None:
        said.append(str(message))
        notify(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        page = await open_project(app, pilot, "KF-03")
        timeline = page.query_one(MilestoneList)
        assert app.focused is timeline
        bar = text_of(page.query_one("KeyBar"))
        assert "新增节点" in bar
        assert ("M", "新增节点") in app.help_rows()
        # M: a new milestone; an unknown unit is refused in one line, nothing written.
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen), what="form")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-name", Input).value = "管网试压"
        form.query_one("#field-due_on", Input).value = "2026-12-10"
        form.query_one("#field-department", Input).value = "不存在的单位"
        form.save()
        await wait_for(pilot, lambda: any("不存在的单位" in s for s in said), what="refused")
        assert query(demo_db, "SELECT count(*) FROM milestones WHERE name = '管网试压'")[0][0] == 0
        assert all("\n" not in s for s in said)
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen), what="form again")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-name", Input).value = "管网试压"
        form.query_one("#field-due_on", Input).value = "2026-12-10"
        form.query_one("#field-department", Input).value = "公用事业局"
        form.save()
        await wait_for(
            pilot,
            lambda: any("管网试压" in line for line in list_lines(timeline)),
            what="timeline shows it",
        )
        (ident, due, unit) = query(
            demo_db,
            "SELECT m.id, m.due_on, d.name FROM milestones m JOIN departments d "
            "ON d.id = m.department_id WHERE m.name = '管网试压'",
        )[0]
        assert (due, unit) == ("2026-12-10", "公用事业局")
        # x: done, asked first.
        await pilot.pause()
        assert timeline.select_id(f"milestone-{ident}")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="asked")
        assert query(demo_db, f"SELECT done_on FROM milestones WHERE id = {ident}")[0][0] is None
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: any(
                "管网试压" in line and f"完成 {TODAY.isoformat()}" in line
                for line in list_lines(timeline)
            ),
            what="done on the page",
        )
        assert query(demo_db, f"SELECT done_on FROM milestones WHERE id = {ident}")[0][0] == (
            TODAY.isoformat()
        )
        # u: its deadline.
        assert timeline.select_id(f"milestone-{ident}")
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen), what="due form")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-due_on", Input).value = "2026-12-20"
        form.save()
        await wait_for(
            pilot,
            lambda: (
                query(demo_db, f"SELECT due_on FROM milestones WHERE id = {ident}")[0][0]
                == "2026-12-20"
            ),
            what="due written",
        )
        await wait_for(
            pilot,
            lambda: any(
                "管网试压" in line and "2026-12-20" in line for line in list_lines(timeline)
            ),
            what="due on the page",
        )


async def test_the_trend_words_stay_whole_at_80_columns_in_english(demo_db: Path) -> None:
    """The figure after 序时 / scheduled was cut when the line and its words shared 80 cells."""
    from board.i18n import set_language

    set_language("en")
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        page = await open_project(app, pilot, "KF-03")
        words = page.query_one("#trend-text", Static)
        await wait_for(pilot, lambda: "scheduled" in text_of(words), what="trend words")
        shown = text_of(words).strip()
        assert re.search(r"scheduled \d+%$", shown), shown
        assert cell_len(shown) <= words.content_region.width


async def test_a_live_change_to_the_timeline_leaves_the_page_where_it_is_read(
    demo_db: Path,
) -> None:
    """In --edit the timeline has the cursor; someone reading the page's end stays there when
    another process adds a milestone (the refresh pulled the page back up to the timeline's
    cursor); the keys still bring the page along, and j past the last milestone scrolls on."""
    app = make_app(demo_db, options=DisplayOptions(today=TODAY, edit=True))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        page = await open_project(app, pilot, "KF-03")
        timeline = page.query_one(MilestoneList)
        scroll = page.query_one("#detail-scroll")
        assert app.focused is timeline and scroll.scroll_y == 0
        scroll.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        bottom = scroll.scroll_y
        assert bottom > 10
        write_sql(
            demo_db,
            "INSERT INTO milestones (project_id, name, due_on, sort_order) SELECT id, "
            "'临时节点', '2026-12-03', 1 FROM projects WHERE code = 'KF-03';",
        )
        await wait_for(
            pilot, lambda: any("临时节点" in line for line in list_lines(timeline)), what="row"
        )
        await pilot.pause(0.2)
        assert scroll.scroll_y >= bottom - 1
        await pilot.press("home")
        await pilot.pause()
        assert scroll.scroll_y < bottom
        await pilot.press("end")
        await pilot.pause()
        at_last = scroll.scroll_y
        await pilot.press("j")
        await wait_for(pilot, lambda: scroll.scroll_y > at_last, what="page scrolls on")


async def test_the_kept_page_never_shows_the_last_projects_trend(demo_db: Path) -> None:
    """The project page is one kept screen: shown for another project, its 趋势 is cleared
    until that project's own line is read (it showed the previous project's meanwhile)."""
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        page = await open_project(app, pilot, "KF-03")
        line = page.query_one("#trend-line", Sparkline)
        await wait_for(pilot, lambda: len(line.data or []) > 1, what="first trend")
        await pilot.press("escape")
        await pilot.pause()
        other = project_id(app, "KF-10")
        app.read_project_trend = lambda _ident: None  # type: ignore[method-assign,assignment]
        app.open_project(other)
        await pilot.pause()
        assert app.screen is page and page.project_id == other
        assert not line.data and "读取中" in text_of(page.query_one("#trend-text"))
