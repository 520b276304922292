"""The projects panel as the room reads it: every figure whole at any width, in both languages;
按名称 in pinyin order; 按编号 with the codes it sorts by on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region

from board.i18n import set_language, t
from board.ui.app import BoardApp
from board.ui.widgets.projects import ProjectsTable
from board.view.words import progress_bar
from tests.conftest import make_app, settle

WIDTHS = [80, 100, 120, 140, 160, 200, 240]


def panel_lines(app: BoardApp) -> list[str]:
    """The projects panel's lines as drawn (header first), as plain text."""
    table = app.screen.query_one(ProjectsTable)
    width, height = table.size
    return [
        "".join(s.text for s in strip) for strip in table.render_lines(Region(0, 0, width, height))
    ]


def figures(app: BoardApp, project_id: int) -> list[str]:
    """The figures a project's row must show whole: progress, target, 序时, the gap (or 持平),
    漂浮 days."""
    assert app.board is not None
    project = app.board.projects[project_id]
    status = app.board.status.projects[project_id]
    goal = app.board.snapshot.goals.get(project_id)
    out = [progress_bar(project.progress, 0).strip()]
    if goal is not None and goal.target_progress is not None:
        out.append(f"{goal.target_progress}%")
    if status.expected is not None:
        out.append(f"{status.expected:.0f}%")
    if status.behind is not None:
        points = round(abs(status.behind))
        out.append(f"{points}" if points else t("gap.level"))
    if status.floating_days is not None:
        out.append(t("days.floating", days=status.floating_days))
    return out


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("width", WIDTHS)
async def test_no_figure_is_cut(demo_db: Path, lang: str, width: int) -> None:
    set_language(lang)
    app = make_app(demo_db)
    async with app.run_test(size=(width, 48)) as pilot:
        await settle(pilot)
        app.render_all()
        await pilot.pause()
        table = app.screen.query_one(ProjectsTable)
        lines = panel_lines(app)
        ids = table.project_ids()
        rows = lines[1 : 1 + min(len(ids), len(lines) - 1)]
        assert rows, "no rows drawn"
        for project_id, line in zip(ids, rows, strict=False):
            for figure in figures(app, project_id):
                assert figure in line, f"{figure!r} not whole in {line!r} at {width} ({lang})"
            assert "%…" not in line and not any(
                f"{d}…" in line.split("  ")[-1] for d in "0123456789"
            )
        header = lines[0]
        for key in ("col.goal", "col.schedule", "col.gap"):
            assert t(key) in header, f"{t(key)!r} not in the header at {width} ({lang})"
        # The gap as offices say it, in the long form or (when narrow) the short one.
        board = app.board
        assert board is not None
        behind = next(p for p in ids if (board.status.projects[p].behind or 0) >= 1)
        points = round(board.status.projects[behind].behind or 0)
        said = (t("gap.behind.long", n=points), t("gap.behind.short", n=points))
        assert any(words in rows[ids.index(behind)] for words in said)


async def test_name_sort_is_pinyin_order(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.board is not None
        while app.state.sort != "name":
            await pilot.press("s")
        names = [
            app.board.projects[p].name for p in app.screen.query_one(ProjectsTable).project_ids()
        ]
        starts = [
            "创业",
            "东方",
            "凯达",
            "中科",
        ]  # chuang < dong < kai < zhong; by code point 东 < 中 < 凯 < 创
        places = [next(i for i, n in enumerate(names) if n.startswith(s)) for s in starts]
        assert places == sorted(places), names


async def test_code_sort_shows_the_codes(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.board is not None
        assert t("col.code") not in panel_lines(app)[0]
        while app.state.sort != "code":
            await pilot.press("s")
        await pilot.pause()
        lines = panel_lines(app)
        assert t("col.code") in lines[0]
        ids = app.screen.query_one(ProjectsTable).project_ids()
        codes = [app.board.projects[p].code for p in ids]
        assert codes == sorted(codes)
        for code, line in zip(codes, lines[1:], strict=False):
            assert code in line
