"""10,000 projects: the projects panel draws rows on demand and shows the right ones after
scrolling, filtering, sorting and a refresh. Behaviour only: no test here times anything."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from board.store.demo import build_demo
from board.ui.app import BoardApp
from board.ui.widgets.projects import ProjectsTable
from board.view.selections import pinyin_key
from tests.conftest import TODAY, make_app, wait_for, write_sql


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "city.db"
    build_demo(path, TODAY, extra_projects=10_000)
    return path


def on_screen(app: BoardApp) -> str:
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def table(app: BoardApp) -> ProjectsTable:
    return app.screen.query_one(ProjectsTable)


async def test_rows_on_demand_at_ten_thousand(big_db: Path) -> None:
    app = make_app(big_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.settled, timeout=60, what="first load")
        await pilot.pause()
        assert len(table(app).project_ids()) == 10_025
        # Scroll to the end: the last project is drawn, the first is not.
        first = app.board.projects[int(table(app).project_ids()[0])].name  # type: ignore[union-attr]
        await pilot.press("end")
        await pilot.pause()
        last_id = int(table(app).project_ids()[-1])
        last = app.board.projects[last_id].name  # type: ignore[union-attr]
        assert table(app).project_id_at_cursor() == last_id
        shown = on_screen(app)
        assert last[:6] in shown
        # Filter by code: exactly that project.
        await pilot.press("slash", *"SYN-04321")
        await wait_for(
            pilot, lambda: len(table(app).project_ids()) == 1, timeout=10, what="filtered"
        )
        only = app.board.projects[int(table(app).project_ids()[0])]  # type: ignore[union-attr]
        assert only.code == "SYN-04321"
        await pilot.press("enter", "escape")
        await wait_for(
            pilot, lambda: len(table(app).project_ids()) == 10_025, timeout=10, what="cleared"
        )
        # Sort by name: in pinyin order, the first row is the smallest name.
        await pilot.press("s", "s", "s", "home")
        assert app.state.sort == "name"
        names = [app.board.projects[int(k)].name for k in table(app).project_ids()[:50]]  # type: ignore[union-attr]
        assert names == sorted(names, key=pinyin_key)
        top = app.board.projects[int(table(app).project_ids()[0])]  # type: ignore[union-attr]
        # A refresh that renames the top row's project shows the new name in place.
        write_sql(big_db, f"UPDATE projects SET name = '!!改名项目' WHERE id = {top.id};")
        await wait_for(pilot, lambda: "!!改名项目" in on_screen(app), timeout=15, what="rename")
        assert table(app).project_id_at_cursor() == top.id
        assert first  # the unfiltered first row existed
