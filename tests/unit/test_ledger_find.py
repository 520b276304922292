"""Finding the table in an office ledger: the sheet, the header rows, the columns, the rows
that are not data, and the mapping file (real files written in tmp_path)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from board.errors import BoardError
from board.exchange.ledger.find import Table, find_tables
from board.exchange.ledger.grid import read_grids
from board.exchange.ledger.mapfile import load_map
from board.exchange.ledger.plan import Options
from board.exchange.ledger.rows import classify
from board.exchange.ledger.run import suggest_map
from board.i18n import zh_cn
from tests.conftest import TODAY
from tests.ledgers import (
    Spec,
    pledge_list,
    project_ledger,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)

ZH = zh_cn.STRINGS
WRITERS = {".xlsx": write_xlsx, ".xls": write_xls, ".ods": write_ods}


def tables(path: Path, **kwargs: object) -> list[Table]:
    options: dict[str, object] = {"sheet": None, "hint": None, "mapping": None, "year": None}
    return find_tables(read_grids(path), path, **(options | kwargs), today=TODAY)  # type: ignore[arg-type]


def mapping(table: Table) -> dict[str, str | None]:
    return {c.header: (None if c.same_as else c.field) for c in table.columns}


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods", ".csv"])
def test_the_two_row_merged_header_is_one_name_per_column(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"台账{suffix}"
    if suffix == ".csv":
        write_csv(path, project_ledger())
    else:
        WRITERS[suffix](path, project_ledger(), Spec("Sheet2", [["无关的表"]]))
    [table] = tables(path)
    assert table.kind == "projects"
    assert (table.top + 1, table.bottom + 1) == (3, 4)
    assert mapping(table) == {
        "序号": "seq",
        "项目名称": "name",
        "建设地点": "location",
        "建设内容及规模": "scope",
        "总投资（亿元）": "total_investment",
        "2023年投资情况/计划投资": "year_plan_investment",
        "2023年投资情况/1-8月完成投资": "year_done_investment",
        "2023年投资情况/占年计划%": "computed",
        "项目进展情况": "progress_note",
        "开工时间": "planned_start_on",
        "竣工时间": "planned_complete_on",
        "责任单位": "lead",
        "包保领导": "leader",
        "项目性质": "stage",
        "存在问题": "blocker",
        "备注": "remark",
    }
    context = table.context
    assert (context.title, context.year, context.year_from, context.unit) == (
        "2023年清河经济技术开发区重点项目推进情况表",
        2023,
        "title",
        "万元",
    )


def test_group_total_footer_and_blank_rows_are_skipped_with_their_reason(tmp_path: Path) -> None:
    [table] = tables(write_xlsx(tmp_path / "台账.xlsx", project_ledger()))
    rows = classify(table)
    assert [r.number for r in rows.data] == [6, 7, 8, 11, 12]
    assert [(s.number, s.reason) for s in rows.skipped] == [
        (5, "group"),
        (9, "blank"),
        (10, "group"),
        (13, "total"),
        (14, "total"),
        (15, "footer"),
        (16, "footer"),
    ]
    assert [(r.number, r.category) for r in rows.data] == [
        (6, "investment"),
        (7, "investment"),
        (8, "investment"),
        (11, "upgrade"),
        (12, "upgrade"),
    ]
    assert rows.legend == ["备注：标★的为省重点项目"]
    # The unit merged down over rows 11–12 belongs to both.
    lead = table.column("lead")
    assert lead is not None
    assert [r.cell(lead.index) for r in rows.data[-2:]] == ["规划建设局", "规划建设局"]


def test_nested_groups_and_of_which_rows(tmp_path: Path) -> None:
    header = ["序号", "项目名称", "总投资（万元）", "责任单位"]
    spec = Spec(
        "2023",
        [
            ["重点项目台账"],
            header,
            ["一、新开工项目（3个）"],
            ["（一）工业项目2个"],
            [1, "甲项目", 100, "招商局"],
            ["其中：在建重点项目"],
            [2, "乙项目", 200, "招商局"],
            ["（二）基础设施项目"],
            [3, "丙道路", 300, "公用事业局"],
            ["二、续建项目"],
            [4, "丁项目", 400, "招商局"],
            ["合计", None, "=SUM(C5:C11)"],
        ],
    )
    [table] = tables(write_xlsx(tmp_path / "x.xlsx", spec))
    rows = classify(table)
    assert [(r.cells[1], r.category, r.stage) for r in rows.data] == [
        ("甲项目", "investment", "started"),
        ("乙项目", "investment", "started"),  # 其中 names nothing: its group still holds
        ("丙道路", "infrastructure", "started"),
        ("丁项目", None, "started"),  # a new top-level group clears the category
    ]
    assert [s.reason for s in rows.skipped] == [
        "group", "group", "subtotal", "group", "group", "total"
    ]  # fmt: skip


def test_the_sheet_is_found_by_its_content_and_two_candidates_ask_for_sheet(
    tmp_path: Path,
) -> None:
    notes = Spec("说明", [["填报说明：请按月报送"], ["项目名称请写全称"]])
    path = write_xlsx(tmp_path / "台账.xlsx", notes, project_ledger(name="7月"))
    [table] = tables(path)
    assert table.grid.name == "7月"
    two = write_xlsx(tmp_path / "两月.xlsx", project_ledger(name="7月"), project_ledger(9, "8月"))
    with pytest.raises(BoardError) as caught:
        tables(two)
    assert caught.value.message == ZH["ledger.two_sheets"].format(
        kind=ZH["ledger.kind.projects"], sheets="7月、8月"
    )
    [chosen] = tables(two, sheet="8月")
    assert "2023年投资情况/1-9月完成投资" in mapping(chosen)
    with pytest.raises(BoardError) as caught:
        tables(two, sheet="9月")
    assert caught.value.message == ZH["ledger.no_such_sheet"].format(sheet="9月", sheets="7月、8月")
    # A hidden copy does not count.
    hidden = project_ledger(name="旧表")
    hidden.hidden = True
    [only] = tables(write_xlsx(tmp_path / "h.xlsx", project_ledger(), hidden))
    assert only.grid.name == "7月"


def test_a_project_ledger_and_a_pledge_list_in_one_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "调度.xlsx", pledge_list("表态"), project_ledger(name="项目"))
    found = tables(path)
    assert [(t.grid.name, t.kind) for t in found] == [("项目", "projects"), ("表态", "pledges")]
    pledges = found[1]
    assert pledges.context.as_of == date(2023, 9, 26)
    assert mapping(pledges) == {
        "序号": "seq",
        "责任单位": "department",
        "表态事项": "content",
        "涉及项目": "project",
        "完成时限": "due_on",
        "完成情况": "status",
        "备注": "note",
    }


def test_no_header_is_one_line_naming_the_rows_searched(tmp_path: Path) -> None:
    spec = Spec("Sheet1", [["2023年工作总结"], ["单位：万元"], ["一、总体情况"], ["今年以来……"]])
    path = write_xlsx(tmp_path / "总结.xlsx", spec)
    with pytest.raises(BoardError) as caught:
        tables(path)
    assert caught.value.message == ZH["ledger.no_header"].format(rows="1–4", path=path)
    assert caught.value.message.startswith("第 1–4 行没有可识别的表头")


def test_the_year_comes_from_the_option_the_title_or_the_file_name(tmp_path: Path) -> None:
    spec = Spec(
        "S", [["重点项目推进表"], ["序号", "项目名称", "完成投资", "竣工时间"], [1, "甲", 1, "9月"]]
    )
    path = write_xlsx(tmp_path / "2022年台账.xlsx", spec)
    assert tables(path)[0].context.year == 2022
    assert tables(path, year=2021)[0].context.year == 2021
    plain = write_xlsx(tmp_path / "台账.xlsx", spec)
    assert (tables(plain)[0].context.year, tables(plain)[0].context.year_from) == (
        TODAY.year,
        "today",
    )


def test_a_code_column_called_bianhao_holds_codes_only_when_it_looks_like_codes(
    tmp_path: Path,
) -> None:
    rows = [["编号", "项目名称", "总投资"], ["KF-01", "创业中心大楼", 1], ["KF-02", "道路", 2]]
    [table] = tables(write_xlsx(tmp_path / "a.xlsx", Spec("S", rows)))
    assert mapping(table)["编号"] == "code"
    numbered = [["编号", "项目名称", "总投资"], [1, "创业中心大楼", 1], [2, "道路", 2]]
    [table] = tables(write_xlsx(tmp_path / "b.xlsx", Spec("S", numbered)))
    assert mapping(table)["编号"] == "seq"


def test_a_map_file_overrides_the_dictionary_and_suggest_map_reads_back(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", project_ledger())
    text = suggest_map(path, Options(), TODAY)
    parsed = tomllib.loads(text)
    assert parsed["kind"] == "projects"
    assert parsed["columns"]["2023年投资情况/1-*月完成投资"] == "year_done_investment"
    assert parsed["columns"]["项目进展情况"] == "progress_note"
    map_file = tmp_path / "map.toml"
    map_file.write_text(
        text.replace('"包保领导" = "leader"', '"包保领导" = "responsible"'), encoding="utf-8"
    )
    loaded = load_map(map_file)
    [table] = tables(path, mapping=loaded)
    assert mapping(table)["包保领导"] == "responsible"
    assert next(c for c in table.columns if c.header == "包保领导").by_map
    # Next month's header (1-9月) still matches the map's 1-*月.
    [later] = tables(write_xlsx(tmp_path / "8月.xlsx", project_ledger(9)), mapping=loaded)
    assert mapping(later)["2023年投资情况/1-9月完成投资"] == "year_done_investment"


def test_a_bad_map_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "map.toml"
    path.write_text('[columns]\n"项目名称" = "名字"\n', encoding="utf-8")
    with pytest.raises(BoardError) as caught:
        load_map(path)
    assert caught.value.message.startswith(ZH["ledger.map_bad"].split("：")[0])
    assert "名字" in caught.value.message and "\n" not in caught.value.message
    path.write_text('kind = "项目"\n', encoding="utf-8")
    with pytest.raises(BoardError):
        load_map(path)


def test_cells_are_read_as_excel_shows_them(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "S"
    ws.append(["序号", "项目名称", "形象进度（%）", "开工时间", "竣工时间"])
    ws.append([1, "甲项目", 0.65, 2023.1, datetime(2023, 9, 1)])
    ws["C2"].number_format = "0%"
    ws["D2"].number_format = "0.00"  # typed 2023.10: stored as the number 2023.1
    ws["E2"].number_format = 'yyyy"年"m"月"'  # shown as 2023年9月: a month, not the 1st
    book.save(tmp_path / "x.xlsx")
    [grid] = read_grids(tmp_path / "x.xlsx")
    assert grid.rows[1] == [1, "甲项目", "65%", "2023.10", "2023年9月"]


def test_a_note_merged_across_the_table_is_not_a_project(tmp_path: Path) -> None:
    spec = Spec(
        "S",
        [
            ["序号", "项目名称", "总投资（万元）", "责任单位"],
            [1, "甲项目", 100, "招商局"],
            ["以上项目均为市级重点项目，按月报送"],
            [2, "乙项目", 200, "招商局"],
        ],
        ["A3:D3"],
    )
    for path in (write_xlsx(tmp_path / "x.xlsx", spec), write_csv(tmp_path / "x.csv", spec)):
        [table] = tables(path)
        rows = classify(table)
        assert [r.number for r in rows.data] == [2, 4]
        assert [(s.number, s.reason) for s in rows.skipped] == [(3, "note")]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_three_row_header_with_a_row_of_parents(tmp_path: Path, suffix: str) -> None:
    rows: list[list[object]] = [
        ["2023年重点项目推进情况表"],
        ["单位：亿元"],
        ["基本情况", None, None, "投资情况（万元）", None, None, None, "推进情况", None],
        [
            "序号",
            "项目名称",
            "责任单位",
            "总投资",
            "2023年",
            None,
            "累计完成",
            "项目进展",
            "存在问题",
        ],
        [None, None, None, None, "计划", "1-8月完成", None, None, None],
        [1, "创业中心大楼", "创业中心", "12,000", 6000, 3500, 5000, "主体施工", "无"],
    ]
    merges = ["A1:I1", "A3:C3", "D3:G3", "H3:I3", "E4:F4"]
    merges += [f"{c}4:{c}5" for c in "ABCDGHI"]
    spec = Spec("S", rows, merges)
    path = tmp_path / f"h{suffix}"
    write_xlsx(path, spec) if suffix == ".xlsx" else write_csv(path, spec)
    [table] = tables(path)
    assert (table.top + 1, table.bottom + 1) == (3, 5)
    assert [(c.header, c.field, c.unit) for c in table.columns][3:6] == [
        ("投资情况（万元）/总投资", "total_investment", "万元"),
        ("投资情况（万元）/2023年/计划", "year_plan_investment", "万元"),
        ("投资情况（万元）/2023年/1-8月完成", "year_done_investment", "万元"),
    ]
    assert table.context.unit == "亿元"  # the sheet's unit; the parent's 万元 wins for its columns
