"""Rows in aligned columns (board.ui.columns): figures whole at any width, CJK by cells,
wrapping the Chinese way."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from board.ui.columns import KEEP, Column, lay_out, wrapped

ROWS = [
    [Text("■红"), Text("2026-11-21"), Text("逾期 8 天"), Text("小王庄村"),
     Text("协调供水管网穿村段临时占地，保障开挖施工（个别农户补偿标准未谈妥）")],
    [Text("●绿"), Text("2027-02-12"), Text("还剩 116 天"), Text("公用事业局"),
     Text("水电路讯跟着在建项目走，北区供水主管网封冻前全线贯通")],
]  # fmt: skip
COLUMNS = [KEEP, KEEP, KEEP, Column(floor=6, most=12, drop=True), Column(wrap=True)]


@pytest.mark.parametrize("width", [30, 40, 60, 76, 120, 240])
def test_figures_stay_whole_and_columns_start_at_one_cell(width: int) -> None:
    _head, lines = lay_out(ROWS, COLUMNS, width)
    for row, line in zip(ROWS, lines, strict=True):
        for cell in row[:3]:
            assert cell.plain in line.plain  # never cut
        if width >= 40:  # narrower than the figures and a few cells of text: they win
            assert all(cell_len(piece) <= width for piece in line.plain.split("\n"))
    firsts = [line.plain.split("\n")[0] for line in lines]
    starts = {
        cell_len(first[: first.index(row[4].plain[:2])])
        for first, row in zip(firsts, ROWS, strict=True)
    }
    assert len(starts) == 1


def test_a_unit_is_cut_with_an_ellipsis_by_whole_characters() -> None:
    _head, lines = lay_out(ROWS, COLUMNS, 60)
    unit = lines[1].plain.split("\n")[0]
    assert "公用事业局" in unit or "…" in unit
    assert "\ufffd" not in unit


def test_wrapping_keeps_marks_off_the_line_starts_and_fits() -> None:
    text = Text("超前介入永盛铸管扩建规划方案，完成规划条件核定（企业方案未按时报送）")
    for width in (5, 8, 16, 30):
        pieces = [p.plain for p in wrapped(text, width)]
        assert "".join(pieces) == text.plain
        assert all(cell_len(p) <= width for p in pieces)
        assert not any(p[0] in "，。）" for p in pieces[1:]), pieces
        assert not any(p[-1] == "（" for p in pieces), pieces


def test_latin_words_are_not_broken_when_they_fit() -> None:
    pieces = [p.plain for p in wrapped(Text("Speed up the permit review for Kaida"), 12)]
    assert pieces == ["Speed up the", "permit", "review for", "Kaida"]
