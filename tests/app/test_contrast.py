"""The room reads the lights: each is drawn in its colour, and legible on every background.

The colours are read from the running app, not from a copy of the palette: each panel's lines
as Textual renders them (`render_lines`, after the theme's CSS, tints and cursor styles), with
the cursor on every row in turn, focused and not, a hovered row and a row highlighted by a
change. Every light (glyph, word, the day and gap phrases drawn in a light's colour) must
differ from the row's plain text colour, and reach the WCAG 2.x contrast ratio: ≥ 4.5:1 for
text, ≥ 3:1 for a glyph alone. And every light colour the theme draws must reach 4.5:1 on
every background a light row takes anywhere, so a light never met on a cursor yet is covered.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rich.color import Color
from rich.segment import Segment
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from board.config import THEME_NAMES, DisplayOptions
from board.i18n import t
from board.ui.widgets.cards import CardList
from board.ui.widgets.header import KpiStrip
from board.ui.widgets.projects import ProjectsTable
from board.ui.widgets.ranking import RankingTable
from board.view.words import LIGHT_GLYPHS
from tests.conftest import TODAY, make_app, settle, wait_for, write_sql

TEXT_RATIO, GLYPH_RATIO = 4.5, 3.0
GLYPHS = "".join(g for g in LIGHT_GLYPHS.values() if g != "·")


def luminance(color: Color) -> float:
    """WCAG 2.x relative luminance of a colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.get_truecolor()
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: Color, b: Color) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def phrase_patterns() -> list[re.Pattern[str]]:
    """The phrases drawn in a light's colour (days, the gap to 序时), as regular expressions."""
    out = []
    for key, arg in (
        ("days.overdue", "days"),
        ("days.left", "days"),
        ("days.floating", "days"),
        ("gap.behind.long", "n"),
        ("gap.behind.short", "n"),
        ("gap.ahead.long", "n"),
        ("gap.ahead.short", "n"),
    ):
        words = re.escape(t(key, **{arg: 12345})).replace("12345", r"\d+")
        out.append(re.compile(rf"^\s*{words}\s*$"))
    for key in ("days.today", "status.done"):
        out.append(re.compile(rf"^\s*{re.escape(t(key))}\s*$"))
    return out


@dataclass
class Seen:
    """What a theme's panels drew: light segments and the backgrounds of rows with lights."""

    lights: list[tuple[str, Color, Color, bool, str]] = field(default_factory=list)
    light_colours: set[str] = field(default_factory=set)
    backgrounds: dict[str, Color] = field(default_factory=dict)
    looks: set[str] = field(default_factory=set)
    uncoloured: list[str] = field(default_factory=list)

    def read(self, widget: Widget, look: str) -> None:
        """Every line `widget` renders now, as Textual draws it."""
        width, height = widget.size
        phrases = phrase_patterns()
        light_word = "|".join(re.escape(t(f"light.{x}")) for x in ("done", "green", "amber", "red"))
        light_re = re.compile(rf"^\s*[{GLYPHS}]({light_word})?\s*$")
        for strip in widget.render_lines(Region(0, 0, width, height)):
            segments: list[Segment] = list(strip)
            found = []
            plain: Counter[Color] = Counter()  # the row's text colour: its most common one
            for seg in segments:
                style = seg.style
                if style is None or seg.text == "▶":
                    continue
                text = seg.text.strip()
                is_glyph = bool(text) and bool(light_re.match(seg.text))
                is_phrase = bool(text) and any(p.match(seg.text) for p in phrases)
                if is_glyph or is_phrase:
                    found.append((seg, is_glyph and len(text) == 1))
                elif style.color is not None:
                    plain[style.color] += len(seg.text)
            plain_fg = plain.most_common(1)[0][0] if plain else None
            if not found:
                continue
            for seg in segments:
                style = seg.style
                if style is not None and style.bgcolor is not None and not style.reverse:
                    self.backgrounds[style.bgcolor.name] = style.bgcolor
            for seg, glyph_only in found:
                style = seg.style
                assert style is not None
                assert style.color is not None and style.bgcolor is not None, seg
                assert not style.dim, f"a dimmed light: {seg!r}"
                fg, bg = style.color, style.bgcolor
                if plain_fg is not None and fg == plain_fg:
                    line = "".join(s.text for s in segments).strip()
                    self.uncoloured.append(f"{look}: {seg.text!r} in the text colour ({line})")
                self.lights.append((look, fg, bg, glyph_only, seg.text))
                self.light_colours.add(fg.name)
                self.looks.add(look)

    def failures(self) -> list[str]:
        out = list(self.uncoloured)
        for look, fg, bg, glyph_only, text in self.lights:
            need = GLYPH_RATIO if glyph_only else TEXT_RATIO
            if ratio(fg, bg) < need:
                out.append(f"{look}: {text!r} {fg.name} on {bg.name} = {ratio(fg, bg):.2f}")
        # Every light colour on every background a light row takes, met or not.
        colours = {Color.parse(name) for name in self.light_colours}
        for fg in colours:
            for bg in self.backgrounds.values():
                if ratio(fg, bg) < TEXT_RATIO:
                    out.append(f"any: {fg.name} on {bg.name} = {ratio(fg, bg):.2f}")
        return sorted(set(out))


async def read_panel(pilot: Pilot[Any], widget: Widget, name: str, seen: Seen) -> None:
    """The panel with its cursor on each row, focused and not (and hovered, for a table)."""
    app = pilot.app
    for focused in (True, False):
        if focused:
            widget.focus()
        else:
            app.set_focus(None)
        await pilot.pause()
        look = f"{name} {'focused' if focused else 'blurred'}"
        seen.read(widget, look + " (plain)")
        if isinstance(widget, ProjectsTable):
            for row in range(len(widget.project_ids())):
                widget.move_cursor(row)
                await pilot.pause()
                seen.read(widget, f"{look} cursor")
        elif isinstance(widget, CardList):
            for index in range(widget.option_count):
                widget.move_to(index)
                await pilot.pause()
                seen.read(widget, f"{look} cursor")
        elif isinstance(widget, RankingTable):
            for row in range(widget.row_count):
                widget.move_cursor(row=row, animate=False)
                await pilot.pause()
                seen.read(widget, f"{look} cursor")
            await pilot.hover(widget, offset=(3, 3))
            await pilot.pause()
            seen.read(widget, f"{look} hover")


def overview_panels(app: Any) -> list[tuple[str, Widget]]:
    return [(spec.name, panel) for spec, _box, panel in app.overview.panels]


@pytest.mark.parametrize("theme", THEME_NAMES)
@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["160x48", "80x24"])
async def test_lights_coloured_and_legible(
    demo_db: Path, theme: str, size: tuple[int, int]
) -> None:
    app = make_app(demo_db, options=DisplayOptions(today=TODAY, theme=theme))
    seen = Seen()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        seen.read(app.screen.query_one(KpiStrip), "kpi")
        for number, (name, panel) in enumerate(overview_panels(app), start=1):
            await pilot.press(str(number))  # a narrow screen shows one panel at a time
            await wait_for(pilot, lambda p=panel: p.size.height > 2, what=f"panel {name}")
            await read_panel(pilot, panel, name, seen)
        # A row a write just changed is highlighted: its lights must stay legible too.
        await pilot.press("1")
        write_sql(demo_db, "UPDATE projects SET progress = MIN(100, progress + 1);")
        table = app.screen.query_one(ProjectsTable)
        await wait_for(pilot, lambda: bool(app.lit("project")), what="rows lit by a change")
        table.move_cursor(0)
        table.focus()
        await pilot.pause()
        seen.read(table, "projects lit")
    assert {"projects focused cursor", "projects blurred cursor", "projects lit"} <= seen.looks
    assert any(look.startswith("ranking") and "hover" in look for look in seen.looks)
    assert len(seen.light_colours) >= 4, seen.light_colours  # red, amber, green, done at least
    failures = seen.failures()
    assert not failures, "\n".join(failures)
