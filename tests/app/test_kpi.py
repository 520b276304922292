"""The KPI strip wraps between groups, never inside one: "投产率 4/7 57%" stays on one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region

from board.i18n import set_language, t
from board.ui.widgets.header import KpiStrip
from board.view.kpi import kpi
from tests.conftest import make_app, settle


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("width", [80, 100, 120, 140, 160, 180])
async def test_groups_never_break(demo_db: Path, lang: str, width: int) -> None:
    set_language(lang)
    app = make_app(demo_db)
    async with app.run_test(size=(width, 48)) as pilot:
        await settle(pilot)
        await pilot.pause()
        strip = app.screen.query_one(KpiStrip)
        lines = [
            "".join(s.text for s in line)
            for line in strip.render_lines(Region(0, 0, strip.size.width, strip.size.height))
        ]
        assert app.board is not None
        figures = kpi(app.board)
        groups = []
        for key, rate in (
            ("kpi.start_rate", figures.rates.start),
            ("kpi.complete_rate", figures.rates.complete),
            ("kpi.produce_rate", figures.rates.produce),
        ):
            share = "—" if rate.share is None else f"{rate.share:.0%}"
            groups.append(t(key, done=rate.done, planned=rate.planned, pct=share))
        groups.append(t("kpi.blockers", count=figures.open_blockers))
        for group in groups:
            assert any(group in line for line in lines), f"{group!r} split at {width}: {lines}"
