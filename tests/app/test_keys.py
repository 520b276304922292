"""A coordinator's session, key by key, with `App.run_test` and `Pilot` on the demo zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from board.cli import DisplayOptions
from board.domain.status import Light
from board.ui.app import BoardApp
from board.ui.screens.department import DepartmentScreen
from board.ui.screens.modals import DepartmentPicker, HelpScreen
from board.ui.screens.overview import OverviewScreen
from board.ui.screens.project import ProjectScreen
from board.ui.widgets.departments import DepartmentCards
from board.ui.widgets.projects import ProjectsTable
from tests.conftest import TODAY, make_app, settle, text_of, wait_for, write_sql

WIDE = (160, 48)


def project_names(app: BoardApp) -> list[str]:
    table = app.screen.query_one(ProjectsTable)
    assert app.board is not None
    return [app.board.projects[int(k)].name for k in table.project_ids()]


def focused_id(app: BoardApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def test_tab_and_number_keys_move_between_panels(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert focused_id(app) == "projects"
        await pilot.press("tab")
        assert focused_id(app) == "departments"
        await pilot.press("tab", "tab")
        assert focused_id(app) == "ranking"
        await pilot.press("tab")
        assert focused_id(app) == "projects"
        await pilot.press("shift+tab")
        assert focused_id(app) == "ranking"
        for key, widget in (
            ("1", "projects"),
            ("2", "departments"),
            ("3", "blockers"),
            ("4", "ranking"),
        ):
            await pilot.press(key)
            assert focused_id(app) == widget


async def test_arrows_and_hjkl_move_the_cursor(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ProjectsTable)
        assert table.cursor_row == 0
        await pilot.press("j", "j", "down")
        assert table.cursor_row == 3
        await pilot.press("k", "up")
        assert table.cursor_row == 1
        await pilot.press("2")
        cards = app.screen.query_one(DepartmentCards)
        first = cards.highlighted
        await pilot.press("j")
        assert cards.highlighted == (first or 0) + 1


async def test_left_right_and_h_l_go_to_the_panel_beside(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert focused_id(app) == "projects"
        for key, widget in (
            ("l", "departments"),  # projects | departments on top
            ("right", "departments"),  # nothing further right
            ("left", "projects"),
            ("h", "projects"),
            ("3", "blockers"),
            ("right", "ranking"),  # blockers | ranking below
            ("h", "blockers"),
        ):
            await pilot.press(key)
            assert focused_id(app) == widget, key
    narrow = make_app(demo_db)
    async with narrow.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right")  # one panel at a time: the next one, as Tab
        assert focused_id(narrow) == "departments"
        await pilot.press("l", "left")
        assert focused_id(narrow) == "departments"
        visible = [p.id for p in narrow.screen.query(".panel") if p.display]
        assert visible == ["panel-departments"]


async def test_enter_opens_a_project_and_escape_goes_back(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ProjectsTable)
        expected = table.project_id_at_cursor()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        assert app.screen.project_id == expected
        head = text_of(app.screen.query_one("#detail-head"))
        body = text_of(app.screen.query_one("#detail-body"))
        assert "阶段节点" in head and "最近变更" in body
        await pilot.press("escape")
        assert not isinstance(app.screen, ProjectScreen)
        assert focused_id(app) == "projects"


async def test_the_project_page_is_kept_and_shows_the_next_project(demo_db: Path) -> None:
    """The page is one kept screen shown again: the second project's page shows the second
    project, from the top, with the data as it is now."""
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ProjectsTable)
        assert app.board is not None
        first, second = (app.board.projects[i] for i in table.project_ids()[:2])
        await pilot.press("enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, ProjectScreen)
        assert first.name in text_of(page.query_one("#detail-title"))
        page.query_one("#detail-scroll").scroll_end(animate=False)
        await pilot.press("escape", "j")
        write_sql(demo_db, f"UPDATE projects SET name = '改名后的项目' WHERE id = {second.id};")
        await wait_for(pilot, lambda: "改名后的项目" in table.plain_rows()[1][1], what="rename")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is page and page.project_id == second.id
        assert "改名后的项目" in text_of(page.query_one("#detail-title"))
        assert page.query_one("#detail-scroll").scroll_y == 0


async def test_the_pages_are_built_while_idle_and_show_what_enter_picks(demo_db: Path) -> None:
    """After the first screen the kept pages are built in the background; Enter then shows
    the row under the cursor on them, not the row they were built with."""
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)

        def built(name: str) -> bool:
            return app.is_screen_installed(name) and bool(
                app.get_screen(name).query("#detail-title")
            )

        await wait_for(pilot, lambda: built("project") and built("department"), what="pages")
        overview = app.screen
        assert isinstance(overview, OverviewScreen)  # built, not shown
        kept = app.get_screen("project")
        assert kept not in app.screen_stack
        table = overview.query_one(ProjectsTable)
        assert app.board is not None
        await pilot.press("j", "j")
        await pilot.pause()
        wanted = table.project_ids()[2]
        assert wanted != min(app.board.projects)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is kept
        assert app.board.projects[wanted].name in text_of(kept.query_one("#detail-title"))


async def test_project_detail_shows_sprint_goal_and_people(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.board is not None
        building = next(p for p in app.board.snapshot.projects if p.name == "创业中心大楼")
        app.open_project(building.id)
        await pilot.pause()
        body = text_of(app.screen.query_one("#detail-head")) + text_of(
            app.screen.query_one("#detail-body")
        )
        assert "年内完成基础框架工程" in body
        assert "序时进度" in body
        assert building.responsible is not None and building.responsible in body


async def test_enter_on_a_department_opens_its_page(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DepartmentScreen)
        title = text_of(app.screen.query_one("#detail-title"))
        assert "规划建设局" in title
        head = text_of(app.screen.query_one("#detail-head"))
        body = text_of(app.screen.query_one("#detail-body"))
        assert "全部表态" in head and "牵头项目" in body and "负责的问题" in body
        pledges = app.screen.query_one("#pledges")
        assert pledges.option_count > 0
        await pilot.press("escape")
        assert focused_id(app) == "departments"


async def test_slash_filters_everything_and_escape_clears(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        total = len(project_names(app))
        await pilot.press("slash")
        assert focused_id(app) == "filter"
        await pilot.press(*"创业中心")
        await pilot.pause()
        names = project_names(app)
        assert 0 < len(names) < total
        assert "创业中心大楼" in names
        await pilot.press("escape")
        await pilot.pause()
        assert app.state.text == ""
        assert len(project_names(app)) == total


async def test_f_cycles_the_light_filter(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.board is not None
        await pilot.press("f")
        assert app.state.light_filter == "red"
        lights = {
            app.board.project_light(int(k))
            for k in app.screen.query_one(ProjectsTable).project_ids()
        }
        assert lights == {Light.RED}
        await pilot.press("f")
        assert app.state.light_filter == "red_amber"
        lights = {
            app.board.project_light(int(k))
            for k in app.screen.query_one(ProjectsTable).project_ids()
        }
        assert lights == {Light.RED, Light.AMBER}
        await pilot.press("f")
        assert app.state.light_filter == "all"


async def test_s_cycles_the_sort(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.board is not None
        first = [
            app.board.project_light(int(k))
            for k in app.screen.query_one(ProjectsTable).project_ids()
        ]
        assert first == sorted(first, key=lambda light: -light.severity)  # worst first by default
        await pilot.press("s")
        assert app.state.sort == "stage"
        keys = app.screen.query_one(ProjectsTable).project_ids()
        stages = [app.board.projects[int(k)].stage_index for k in keys]
        assert stages == sorted(stages)


async def test_d_picks_a_department(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.board is not None
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DepartmentPicker)
        land = next(d for d in app.board.snapshot.departments if d.name == "土地局")
        app.screen.dismiss(land.id)
        await pilot.pause()
        assert app.state.department_id == land.id
        keys = app.screen.query_one(ProjectsTable).project_ids()
        assert all(app.board.projects[int(k)].lead_department_id == land.id for k in keys)
        cards = app.screen.query_one(DepartmentCards)
        assert cards._ids == [f"dept-{land.id}"]
        await pilot.press("escape")
        assert app.state.department_id is None


async def test_p_presents_and_any_key_pauses(demo_db: Path) -> None:
    options = DisplayOptions(today=TODAY, present=3)
    app = make_app(demo_db, options=options)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.slideshow.running
        bar = app.screen.query_one("PresenterBar")
        assert "下一页" in text_of(bar)
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, DepartmentScreen),
            timeout=6,
            what="slideshow to reach the first department",
        )
        await pilot.press("j")
        assert not app.slideshow.running
        await pilot.press("p")
        assert app.slideshow.running
        await pilot.press("p")
        assert not app.slideshow.running


async def test_r_reloads_and_t_cycles_themes(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = app.refreshes
        await pilot.press("r")
        await wait_for(pilot, lambda: app.refreshes > before and app.settled, what="reload")
        assert app.theme == "board-dark"
        await pilot.press("t")
        assert app.theme == "board-contrast"
        await pilot.press("t")
        assert app.theme == "board-light"


async def test_question_mark_shows_help_in_chinese(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict((desc, keys) for keys, desc in app.screen.rows)
        for word in ("筛选", "灯筛选", "排序", "选部门", "轮播", "刷新", "退出", "命令面板"):
            assert word in rows
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_jumps_to_a_project(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"创业中心大楼")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(ProjectsTable)
        assert app.board is not None
        pid = table.project_id_at_cursor()
        assert pid is not None and app.board.projects[pid].name == "创业中心大楼"


async def test_q_quits(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_keymap_file_remaps_a_binding(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keymap]\n"board.light_filter" = "x"\n', encoding="utf-8")
    monkeypatch.setenv("BOARD_KEYMAP", str(keymap))
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        assert app.state.light_filter == "red"
        await pilot.press("f")
        assert app.state.light_filter == "red"


async def test_narrow_terminal_shows_one_panel_at_a_time(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-narrow")
        visible = [p.id for p in screen.query(".panel") if p.display]
        assert visible == ["panel-projects"]
        await pilot.press("2")
        visible = [p.id for p in screen.query(".panel") if p.display]
        assert visible == ["panel-departments"]
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert screen.has_class("-too-small")
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert not screen.has_class("-narrow")
        assert len([p for p in screen.query(".panel") if p.display]) == 4


async def test_english_ui(demo_db: Path) -> None:
    from board.i18n import set_language

    set_language("en")
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        header = text_of(app.screen.query_one("#header"))
        assert "days to winter shutdown" in header
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert any(desc == "Light filter" for _keys, desc in app.screen.rows)


async def test_a_page_offers_only_its_own_keys_and_leaves_the_overview_alone(
    demo_db: Path,
) -> None:
    """`f`, `s`, `/`, `d` on a project page did their work on the overview hidden behind it."""
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ProjectScreen", what="page")
        before = app.state
        await pilot.press("f", "s", "o", "slash", "d")
        await pilot.pause()
        assert app.state == before
        assert type(app.screen).__name__ == "ProjectScreen"  # no picker, no filter line
        bar = text_of(app.screen.query_one("KeyBar"))
        assert "筛选" not in bar and "排序" not in bar and "返回" in bar
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("q")  # q ends the board from help too, as it says
        await pilot.pause()
    assert app.return_code is not None


async def test_the_slideshow_resumes_where_it_stopped_and_leaves_no_stale_line(
    demo_db: Path,
) -> None:
    options = DisplayOptions(today=TODAY, present=3)
    app = make_app(demo_db, options=options)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, DepartmentScreen), timeout=6,
                       what="the first department page")  # fmt: skip
        stopped_on = app.slideshow.current
        await pilot.press("space")  # any key pauses
        assert not app.slideshow.running
        await pilot.press("escape")  # back to the overview
        await pilot.pause()
        bar = app.screen.query_one("PresenterBar")
        assert "下一页" not in text_of(bar)  # nothing frozen under the overview
        await pilot.press("p")
        await pilot.pause()
        assert app.slideshow.running and app.slideshow.current == stopped_on
        assert isinstance(app.screen, DepartmentScreen)
        assert app.screen.department_id == stopped_on.ident


async def test_w_m_i_open_their_pages_and_the_slideshow_shows_them(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        for key, name in (("w", "WeekMilestonesScreen"), ("m", "SprintScreen"),
                          ("i", "CountdownScreen")):  # fmt: skip
            await pilot.press(key)
            await wait_for(pilot, lambda name=name: type(app.screen).__name__ == name, what=name)  # type: ignore[misc]
            await pilot.press(key)  # the same key again goes back
            await wait_for(
                pilot, lambda: type(app.screen).__name__ == "OverviewScreen", what="back"
            )
        await pilot.press("p")
        kinds = [page.kind for page in app.slideshow.pages]
        assert kinds[-3:] == ["week", "sprint", "countdown"]
        app.slideshow.index = kinds.index("sprint")
        app.show_page()
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SprintScreen", what="slide")
