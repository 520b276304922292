"""Snapshot tests: the board as the room sees it, at a small (80x24) and a wall (160x48) size.

Each snapshot is of the demo zone built for TODAY, with the header clock pinned and the change
log's wall-clock stamps pinned, so the output is the same on every run. Before the snapshot is
taken, each view checks that what it is about is really on screen, so a baseline can never be
an empty or error screen.

After an intended UI change: `pytest tests/test_snapshots.py --snapshot-update`, then look at
the changed SVGs (tests/app/__snapshots__/test_snapshots/) before committing them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.conftest import TODAY, make_app, settle, wait_for, write_sql

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
LOGGED_AT = f"{TODAY.isoformat()} 08:30:00"

Snap = Callable[..., bool]
View = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture
def board_db(demo_db: Path) -> Path:
    """The demo, with the change log's wall-clock times pinned (the project page shows them)."""
    write_sql(demo_db, f"UPDATE change_log SET at = '{LOGGED_AT}';")
    return demo_db


def screen_text(pilot: Pilot[Any]) -> str:
    """What the terminal shows now, as plain text (from the same SVG the snapshot uses)."""
    svg = pilot.app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def assert_shows(pilot: Pilot[Any], *texts: str) -> None:
    shown = screen_text(pilot)
    missing = [text for text in texts if text not in shown]
    assert not missing, f"not on screen: {missing}"


async def ready(pilot: Pilot[Any]) -> None:
    """The first board is drawn, and drawn again at the panels' final sizes.

    The department and blocker cards are fitted to their list's width when drawn, and that
    width shrinks by the scrollbar once the first cards are in; the first draw races the
    first resize, so without a second draw the cards are cut at either of two widths.
    """
    await settle(pilot)
    pilot.app.render_all()
    await pilot.pause()


async def wait_for_screen(pilot: Pilot[Any], name: str) -> None:
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == name, what=name)
    await pilot.pause()


async def overview(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    assert_shows(pilot, "重点项目（25）", "更新 09:41:00")


async def project(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("1", "enter")  # the projects panel, its first (worst) row
    await wait_for_screen(pilot, "ProjectScreen")
    # The 趋势 line is read in a worker after the page shows: the snapshot waits for it.
    trend = pilot.app.screen.query_one("#trend-text")
    await wait_for(
        pilot,
        lambda: bool(str(trend.content)) and "读取中" not in str(trend.content),
        what="the trend line",
    )
    await pilot.pause()
    assert_shows(pilot, "北区供水管网及加压泵站工程", "亮灯原因", "趋势", "关键节点")


async def department(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("2", "enter")  # the departments panel, its first card
    await wait_for_screen(pilot, "DepartmentScreen")
    assert_shows(pilot, "规划建设局", "全部表态")


async def help_keys(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("question_mark")
    await wait_for_screen(pilot, "HelpScreen")
    assert_shows(pilot, "键盘操作", "按 Esc 或 ? 关闭")


async def since(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    app = pilot.app
    db = app.db  # type: ignore[attr-defined]
    # The demo's earlier meeting (2026-11-15) is the one compared against; two crafted changes
    # since it, waited for by their text (the demo's own history already fills the report).
    write_sql(
        db,
        "BEGIN;"
        "UPDATE projects SET stage = 'started', started_on = '2026-11-29' WHERE code = 'KF-11';"
        "INSERT INTO pledges (department_id, content, due_on) SELECT id, '新表态：月底前完成征地', "
        "'2026-12-31' FROM departments WHERE name = '赵家坟村'; COMMIT;",
    )

    def crafted() -> bool:
        report = app.board.since  # type: ignore[attr-defined]
        texts = {item.text for item in report.items}
        return (
            report.since is not None
            and report.since.isoformat() == "2026-11-15"
            and "新表态：月底前完成征地" in texts
            and any(i.kind == "stage_up" and "凯达" in i.text for i in report.items)
        )

    await wait_for(pilot, crafted, what="report with the crafted changes")
    await pilot.press("c")
    await wait_for_screen(pilot, "SinceScreen")
    assert_shows(pilot, "自上次调度会以来", "阶段推进")


async def filtered(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("slash", *"创业")
    app = pilot.app
    await wait_for(pilot, lambda: app.state.text == "创业", what="filter text 创业")
    # A steady cursor: a blinking one would be on or off depending on timing.
    app.screen.query_one("#filter", Input).cursor_blink = False
    await pilot.pause()
    assert_shows(pilot, "重点项目（7）", "筛选：创业")


async def presenting(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    app = pilot.app
    # The indicator counts down once a second: stop the slideshow's clock at a full page, so
    # the snapshot does not depend on how long the first load took.
    app.slideshow.tick = lambda: False
    app.slideshow.left = app.slideshow.seconds
    app.render_slideshow()
    await pilot.pause()
    assert_shows(pilot, "下一页：规划建设局 · 15 秒")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "view",
    [
        pytest.param(overview, id="overview"),
        pytest.param(project, id="project"),
        pytest.param(department, id="department"),
        pytest.param(help_keys, id="help"),
        pytest.param(since, id="since"),
        pytest.param(filtered, id="filter"),
    ],
)
def test_view(snap_compare: Snap, board_db: Path, view: View, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(board_db), terminal_size=size, run_before=view)


@pytest.mark.parametrize("size", SIZES)
def test_present(snap_compare: Snap, board_db: Path, size: tuple[int, int]) -> None:
    from board.cli import DisplayOptions

    app = make_app(board_db, options=DisplayOptions(today=TODAY, present=15))
    assert snap_compare(app, terminal_size=size, run_before=presenting)


def test_overview_english(snap_compare: Snap, board_db: Path) -> None:
    from board.i18n import set_language

    set_language("en")

    async def english(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        assert_shows(pilot, "Key projects", "updated 09:41:00")

    assert snap_compare(make_app(board_db), terminal_size=(160, 48), run_before=english)


async def week(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("w")
    await wait_for_screen(pilot, "WeekMilestonesScreen")
    assert_shows(pilot, "本周节点", "逾期")


async def sprint(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("m")
    await wait_for_screen(pilot, "SprintScreen")
    app = pilot.app
    await wait_for(
        pilot,
        lambda: "平均形象进度" in screen_text(pilot),
        what="the sprint's line read and drawn",
    )
    await pilot.pause()
    assert_shows(pilot, "冲刺进度", "序时")
    assert app.screen is not None


async def countdown(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("i")
    await wait_for_screen(pilot, "CountdownScreen")
    assert_shows(pilot, "距冬季停工", "红灯项目", "本周节点")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "view",
    [
        pytest.param(week, id="week"),
        pytest.param(sprint, id="sprint"),
        pytest.param(countdown, id="countdown"),
    ],
)
def test_page(snap_compare: Snap, demo_db: Path, view: View, size: tuple[int, int]) -> None:
    """The pages of their own (w, m, i), on the demo as built: its history is dated from the
    build day, so the sprint's line is the same on every run."""
    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=view)
