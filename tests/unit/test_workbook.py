"""Excel and CSV: export, import, the all-or-nothing rule, encodings, and hostile cells.

Tables are compared before and after with plain sqlite3 (no board code), so "nothing changed"
means every column of every row, `version` and `updated_at` included.
"""

from __future__ import annotations

import csv
import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from board.errors import BoardError
from board.exchange.exporting import export_file
from board.exchange.importing import ImportRefused, import_file
from board.exchange.sheets import GUIDE_SHEET
from board.i18n import zh_cn
from tests.conftest import TODAY, run_cli

ZH = zh_cn.STRINGS
TABLES = ("projects", "pledges", "blockers", "milestones", "departments", "meetings")
SHEETS = ["项目", "表态", "问题", "节点", "部门"]  # 节点: milestones, schema 4


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables import may touch, plus the change log's size."""
    con = sqlite3.connect(db)
    try:
        out = {t: con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}
        out["change_log"] = con.execute("SELECT count(*) FROM change_log").fetchall()
        return out
    finally:
        con.close()


def query(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def counts(result: Any) -> dict[str, tuple[int, int, int]]:
    return {s.sheet: (s.added, s.updated, s.unchanged) for s in result.sheets}


def do_import(db: Path, path: Path, **kwargs: Any) -> Any:
    return import_file(db, path, today=TODAY, **kwargs)


def exported(db: Path, tmp_path: Path, name: str = "board.xlsx") -> Path:
    path = tmp_path / name
    export_file(db, path)
    return path


def headers(ws: Any) -> list[str]:
    return [c.value for c in next(ws.iter_rows(max_row=1))]


def column(ws: Any, header: str) -> int:
    """1-based index of a header."""
    return headers(ws).index(header) + 1


def row_of(ws: Any, header: str, value: Any) -> int:
    """The row number whose `header` cell holds `value`."""
    col = column(ws, header)
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, col).value == value:
            return row
    raise AssertionError(f"{header}={value} not found")


def problem(sheet: str, row: int, col: str, reason: str) -> str:
    return ZH["import.problem"].format(sheet=sheet, row=row, column=col, reason=reason)


# --- export ------------------------------------------------------------------------------------


def test_export_writes_four_sheets_with_chinese_headers_words_and_dates(
    demo_db: Path, tmp_path: Path
) -> None:
    book = load_workbook(exported(demo_db, tmp_path))
    assert book.sheetnames == [*SHEETS, "概况"]  # the rates, after the sheets an import reads
    projects, pledges, blockers, _milestones, departments = (book[s] for s in SHEETS)
    assert headers(projects)[:6] == ["编号", "项目编号", "项目名称", "类别", "阶段", "形象进度"]
    assert headers(pledges) == [
        "编号",
        "表态单位",
        "项目编号",
        "调度会编号",
        "表态内容",
        "完成时限",
        "状态",
        "完成日期",
        "备注",
    ]
    assert projects.max_row == 1 + query(demo_db, "SELECT count(*) FROM projects")[0][0]
    assert pledges.max_row == 1 + query(demo_db, "SELECT count(*) FROM pledges")[0][0]

    # KF-01, as the file has it: codes as Chinese words, the lead department by name.
    code, stage, category, lead, started = query(
        demo_db,
        "SELECT p.code, p.stage, p.category, d.name, p.started_on FROM projects p "
        "JOIN departments d ON d.id = p.lead_department_id WHERE p.id = 1",
    )[0]
    row = row_of(projects, "编号", 1)
    assert projects.cell(row, column(projects, "项目编号")).value == code
    assert projects.cell(row, column(projects, "阶段")).value == ZH[f"stage.{stage}"]
    assert projects.cell(row, column(projects, "类别")).value == ZH[f"category.{category}"]
    assert projects.cell(row, column(projects, "责任单位")).value == lead
    cell = projects.cell(row, column(projects, "开工日期"))
    assert isinstance(cell.value, datetime)  # a real Excel date
    assert cell.value.date().isoformat() == started
    assert cell.number_format == "yyyy-mm-dd"

    words = {c.value for c in pledges[get_letter(pledges, "状态")][1:]}
    assert "已完成" in words and "done" not in words
    assert "用地" in {c.value for c in blockers[get_letter(blockers, "类别")][1:]}
    dept_names = {r[0] for r in query(demo_db, "SELECT name FROM departments")}
    assert {c.value for c in pledges[get_letter(pledges, "表态单位")][1:]} <= dept_names
    assert [c.value for c in departments[get_letter(departments, "名称")][1:]][:2] == [
        "规划建设局",
        "农工部",
    ]


def get_letter(ws: Any, header: str) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column(ws, header)))


def test_template_has_the_sheets_empty_and_the_instructions(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    export_file(None, path, template=True)
    book = load_workbook(path)
    assert book.sheetnames == [GUIDE_SHEET, *SHEETS]
    for name in SHEETS:
        assert book[name].max_row == 1
        assert headers(book[name])[0] == "编号"
    guide = "\n".join(str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert ZH["guide.title"] in guide
    for header in ("项目编号", "表态单位", "完成时限", "问题描述", "发言顺序"):
        assert header in guide
    assert "签约 / 落地 / 开工 / 竣工 / 投产" in guide  # the choices of 阶段
    before = dump(demo_db)
    result = do_import(demo_db, path)
    assert all(c == (0, 0, 0) for c in counts(result).values())
    assert dump(demo_db) == before


# --- round trip ----------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(demo_db: Path, tmp_path: Path) -> None:
    path = exported(demo_db, tmp_path)
    before = dump(demo_db)
    result = do_import(demo_db, path)
    assert dump(demo_db) == before  # table by table, every column, change log untouched
    sizes = {t: len(before[t]) for t in TABLES}
    assert counts(result) == {
        "项目": (0, 0, sizes["projects"]),
        "表态": (0, 0, sizes["pledges"]),
        "问题": (0, 0, sizes["blockers"]),
        "节点": (0, 0, sizes["milestones"]),
        "部门": (0, 0, sizes["departments"]),
    }


def test_round_trip_keeps_odd_values_as_they_are(demo_db: Path, tmp_path: Path) -> None:
    # Values outside the contract (written by another tool) and text that looks like a formula
    # or markup survive an export/import untouched.
    con = sqlite3.connect(demo_db)
    con.executescript(
        "UPDATE pledges SET content = '=1+1', note = '[red]x[/]' WHERE id = 1;"
        "UPDATE pledges SET due_on = 'soon' WHERE id = 2;"
        "UPDATE projects SET total_investment = 0.1 + 0.2, progress_note = ' 主体 ' WHERE id = 1;"
        "UPDATE pledges SET project_id = 9999 WHERE id = 3;"
        "UPDATE pledges SET status = 'done', done_on = NULL WHERE id = 4;"
    )
    con.commit()
    con.close()
    path = exported(demo_db, tmp_path)
    ws = load_workbook(path)["表态"]
    cell = ws.cell(row_of(ws, "编号", 1), column(ws, "表态内容"))
    assert cell.value == "=1+1" and cell.data_type == "s"  # text, never a formula
    before = dump(demo_db)
    do_import(demo_db, path)
    assert dump(demo_db) == before


# --- import of each sheet ------------------------------------------------------------------------


def test_import_adds_and_updates_rows_of_every_sheet(demo_db: Path, tmp_path: Path) -> None:
    path = exported(demo_db, tmp_path)
    book = load_workbook(path)
    projects, pledges, blockers, _milestones, departments = (book[s] for s in SHEETS)

    # 部门: a new department, and a short name changed.
    departments.append([None, "发展改革局", "发改", "委办局", None])
    departments.cell(
        row_of(departments, "名称", "土地局"), column(departments, "简称")
    ).value = "国土"
    # 项目: progress of KF-01 by id; KF-02 matched by its code alone; a new project led by
    # the new department (by its short name).
    projects.cell(row_of(projects, "项目编号", "KF-01"), column(projects, "形象进度")).value = 60
    kf02 = row_of(projects, "项目编号", "KF-02")
    projects.cell(kf02, column(projects, "编号")).value = None
    projects.cell(kf02, column(projects, "进度说明")).value = "沥青面层摊铺"
    new_project = {"项目编号": "KF-99", "项目名称": "新能源产业园", "类别": "招商引资"}
    new_project |= {"阶段": "签约", "形象进度": "0", "责任单位": "发改", "签约日期": "2026/11/20"}
    projects.append([new_project.get(h) for h in headers(projects)])
    # 表态: one marked done, one new for the new department on the new project.
    pledge_id = query(demo_db, "SELECT min(id) FROM pledges WHERE status = 'open'")[0][0]
    pledges.cell(row_of(pledges, "编号", pledge_id), column(pledges, "状态")).value = "已完成"
    new_pledge = {"表态单位": "发展改革局", "项目编号": "KF-99", "表态内容": "完成项目备案"}
    new_pledge["完成时限"] = datetime(2026, 12, 20)
    pledges.append([new_pledge.get(h) for h in headers(pledges)])
    # 问题: one resolved (销号), one new on the new project.
    blocker_id = query(demo_db, "SELECT min(id) FROM blockers WHERE resolved_on IS NULL")[0][0]
    row = row_of(blockers, "编号", blocker_id)
    blockers.cell(row, column(blockers, "销号日期")).value = "2026-11-28"
    blockers.cell(row, column(blockers, "销号说明")).value = "已协调解决"
    new_blocker = {"项目编号": "KF-99", "责任单位": "土地局", "类别": "用地"}
    new_blocker |= {"问题描述": "用地指标待落实", "解决时限": "2026-12-31"}
    blockers.append([new_blocker.get(h) for h in headers(blockers)])
    book.save(path)

    before = dump(demo_db)
    result = do_import(demo_db, path)
    n = {t: len(before[t]) for t in TABLES}
    assert counts(result) == {
        "项目": (1, 2, n["projects"] - 2),
        "表态": (1, 1, n["pledges"] - 1),
        "问题": (1, 1, n["blockers"] - 1),
        "节点": (0, 0, n["milestones"]),
        "部门": (1, 1, n["departments"] - 1),
    }
    dept = query(demo_db, "SELECT id, sort_order FROM departments WHERE name = '发展改革局'")[0]
    assert dept[1] > max(r[4] for r in before["departments"])  # speaks last
    assert query(demo_db, "SELECT short_name FROM departments WHERE name = '土地局'") == [("国土",)]
    assert query(demo_db, "SELECT progress, version FROM projects WHERE code = 'KF-01'") == [
        (60, 2)
    ]
    assert query(demo_db, "SELECT progress_note FROM projects WHERE code = 'KF-02'") == [
        ("沥青面层摊铺",)
    ]
    assert query(
        demo_db,
        "SELECT name, category, stage, lead_department_id, signed_on FROM projects "
        "WHERE code = 'KF-99'",
    ) == [("新能源产业园", "investment", "signed", dept[0], "2026-11-20")]
    assert query(demo_db, "SELECT status, done_on FROM pledges WHERE id = ?", pledge_id) == [
        ("done", TODAY.isoformat())  # 已完成 without a date: done today
    ]
    latest = query(demo_db, "SELECT max(id) FROM meetings")[0][0]
    assert query(
        demo_db,
        "SELECT p.content, p.due_on, p.status, p.meeting_id FROM pledges p "
        "JOIN projects j ON j.id = p.project_id WHERE j.code = 'KF-99'",
    ) == [("完成项目备案", "2026-12-20", "open", latest)]
    assert query(demo_db, "SELECT resolved_on, note FROM blockers WHERE id = ?", blocker_id) == [
        ("2026-11-28", "已协调解决")
    ]
    assert query(
        demo_db,
        "SELECT b.category, b.opened_on, b.due_on FROM blockers b "
        "JOIN projects j ON j.id = b.project_id WHERE j.code = 'KF-99'",
    ) == [("land", TODAY.isoformat(), "2026-12-31")]
    # The same file again: nothing left to do but the rows it adds (they have no 编号).
    again = do_import(demo_db, exported(demo_db, tmp_path, "again.xlsx"))
    assert all(added == 0 and updated == 0 for added, updated, _ in counts(again).values())


def test_a_partial_sheet_updates_only_its_columns(demo_db: Path, tmp_path: Path) -> None:
    # A weekly progress report: project code and progress only, plus a column board ignores.
    path = tmp_path / "周报.xlsx"
    book = Workbook()
    ws = book.active
    ws.title = "项目"
    ws.append(["项目编号", "形象进度", "填报人"])
    ws.append(["KF-02", "70%", "张三"])
    ws.append(["KF-03", 20, "张三"])  # unchanged
    book.save(path)
    before = query(demo_db, "SELECT * FROM projects WHERE code = 'KF-02'")[0]
    result = do_import(demo_db, path)
    assert counts(result) == {"项目": (0, 1, 1)}
    assert result.sheets[0].ignored == ("填报人",)
    after = query(demo_db, "SELECT * FROM projects WHERE code = 'KF-02'")[0]
    changed = {i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    names = [r[1] for r in query(demo_db, "PRAGMA table_info(projects)")]
    # updated_at is stamped to the second, like the demo build: it may read the same.
    assert {names[i] for i in changed} - {"updated_at"} == {"progress", "version"}


def test_new_rows_imported_twice_are_added_once(demo_db: Path, tmp_path: Path) -> None:
    # A secretary fixes a file and imports it again: rows without 编号 match what the first
    # import added (a pledge by department and content, a blocker by project and description).
    path = tmp_path / "weekly.xlsx"
    book = Workbook()
    pledges = book.active
    pledges.title = "表态"
    pledges.append(["表态单位", "表态内容", "完成时限", "状态"])
    pledges.append(["土地局", "完成用地组卷报批", "2026-12-15", "已完成"])
    blockers = book.create_sheet("问题")
    blockers.append(["项目编号", "责任单位", "类别", "问题描述", "解决时限"])
    blockers.append(["KF-01", "土地局", "用地", "红线外临时用地未落实", "2026-12-20"])
    book.save(path)
    first = do_import(demo_db, path)
    assert counts(first) == {"表态": (1, 0, 0), "问题": (1, 0, 0)}
    after_first = dump(demo_db)
    assert counts(do_import(demo_db, path)) == {"表态": (0, 0, 1), "问题": (0, 0, 1)}
    assert dump(demo_db) == after_first
    # A later due date in the fixed file updates the same pledge.
    pledges["C2"] = "2026-12-31"
    book.save(path)
    assert counts(do_import(demo_db, path))["表态"] == (0, 1, 0)
    # The same new row twice in one file is a mistake, not two pledges.
    pledges.append(["土地", "再来一条", "2026-12-15"])
    pledges.append(["土地局", "再来一条", "2026-12-16"])
    book.save(path)
    with pytest.raises(ImportRefused) as caught:
        do_import(demo_db, path)
    [only] = caught.value.problems
    assert (only.sheet, only.row, only.column) == ("表态", 4, "表态单位")
    assert only.reason == ZH["import.same_row"].format(other=3)


# --- refusals ------------------------------------------------------------------------------------


def test_a_bad_row_in_the_last_sheet_refuses_the_whole_file(demo_db: Path, tmp_path: Path) -> None:
    path = exported(demo_db, tmp_path)
    book = load_workbook(path)
    projects = book["项目"]
    projects.cell(row_of(projects, "项目编号", "KF-01"), column(projects, "形象进度")).value = 90
    book["表态"].append([None, "土地局", None, None, "好的一条新表态", "2026-12-01"])
    departments = book["部门"]
    assert book.sheetnames[-2:] == ["部门", "概况"]  # the last sheet an import reads
    departments.append([None, "新的局", "新", "委办局", "第三"])  # 发言顺序 not a number
    book.save(path)
    before = dump(demo_db)
    with pytest.raises(ImportRefused) as caught:
        do_import(demo_db, path)
    assert dump(demo_db) == before  # not even the good rows of the earlier sheets
    [only] = caught.value.problems
    assert (only.sheet, only.row, only.column) == ("部门", departments.max_row, "发言顺序")
    assert only.reason == ZH["import.bad_integer"].format(value="第三")


def write_bad_workbook(db: Path, tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = exported(db, tmp_path)
    book = load_workbook(path)
    projects, pledges = book["项目"], book["表态"]
    rows = {
        "progress": row_of(projects, "项目编号", "KF-01"),
        "code": row_of(projects, "项目编号", "KF-03"),
        "kf02": row_of(projects, "项目编号", "KF-02"),
        "department": 3,
        "date": 5,
    }
    projects.cell(rows["progress"], column(projects, "形象进度")).value = 120
    projects.cell(rows["code"], column(projects, "项目编号")).value = "KF-02"
    pledges.cell(rows["department"], column(pledges, "表态单位")).value = "不存在的局"
    pledges.cell(rows["date"], column(pledges, "完成时限")).value = "2023-13-45"
    book.save(path)
    return path, rows


def test_each_problem_is_one_line_naming_sheet_row_column_and_reason(
    demo_db: Path, tmp_path: Path
) -> None:
    path, rows = write_bad_workbook(demo_db, tmp_path)
    before = dump(demo_db)
    result = run_cli("import", str(path), "--db", str(demo_db), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        problem("项目", rows["progress"], "形象进度", ZH["err.bad_progress"].format(value=120)),
        problem(
            "项目",
            rows["code"],
            "项目编号",
            ZH["import.duplicate_code"].format(
                value="KF-02", other=ZH["import.other_row"].format(row=rows["kf02"])
            ),
        ),
        problem(
            "表态",
            rows["department"],
            "表态单位",
            ZH["import.unknown_department"].format(ref="不存在的局"),
        ),
        problem("表态", rows["date"], "完成时限", ZH["err.bad_date"].format(value="2023-13-45")),
        ZH["import.refused"].format(count=4, path=path),
    ]
    assert dump(demo_db) == before


def test_duplicates_inside_the_file_are_refused(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "dup.xlsx"
    book = Workbook()
    ws = book.active
    ws.title = "项目"
    ws.append(["编号", "项目编号", "项目名称", "类别"])
    ws.append([None, "KF-50", "甲", "技改"])
    ws.append([None, "KF-50", "乙", "技改"])
    ws.append([1, "KF-01", "创业中心大楼", "孵化"])
    ws.append([1, "KF-01", "创业中心大楼", "孵化"])
    ws.append([None, "KF-51", "丙", "不知道"])
    book.save(path)
    with pytest.raises(ImportRefused) as caught:
        do_import(demo_db, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (3, "项目编号"),
        (5, "编号"),
        (6, "类别"),
    ]
    assert "KF-50" in caught.value.problems[0].reason
    assert ZH["import.other_row"].format(row=2) in caught.value.problems[0].reason


def test_dry_run_counts_and_writes_nothing(demo_db: Path, tmp_path: Path) -> None:
    path = exported(demo_db, tmp_path)
    book = load_workbook(path)
    pledges = book["表态"]
    pledges.cell(2, column(pledges, "备注")).value = "会后补充说明"
    pledges.append([None, "土地局", None, None, "新表态", "2026-12-01"])
    book.save(path)
    before = dump(demo_db)
    result = run_cli("import", str(path), "--dry-run", "--db", str(demo_db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert dump(demo_db) == before
    n = len(before["pledges"])
    line = ZH["import.sheet_counts"].format(sheet="表态", added=1, updated=1, unchanged=n - 1)
    assert line in result.stdout.splitlines()
    assert ZH["import.dry_run"].format(path=path) in result.stdout
    real = do_import(demo_db, path)
    assert counts(real)["表态"] == (1, 1, n - 1)
    assert len(dump(demo_db)["pledges"]) == n + 1


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_has_a_bom_and_round_trips(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "pledges.csv"
    export_file(demo_db, path, sheet="表态")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][:2] == ["编号", "表态单位"]
    before = dump(demo_db)
    result = do_import(demo_db, path, sheet="表态")
    assert counts(result) == {"表态": (0, 0, len(before["pledges"]))}
    assert dump(demo_db) == before
    # Excel in China writes dates back as 2026/12/1: read as the same date.
    due = rows[0].index("完成时限")
    rows[1][due] = "2026/12/1"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert counts(do_import(demo_db, path, sheet="表态"))["表态"][1] == 1
    assert query(demo_db, "SELECT due_on FROM pledges WHERE id = ?", int(rows[1][0])) == [
        ("2026-12-01",)
    ]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("gbk", ","), ("gb18030", ","), ("utf-8", ","), ("utf-16", "\t")],
    ids=["gbk", "gb18030", "utf8-no-bom", "utf16-tabs"],
)
def test_csv_in_the_encodings_excel_and_wps_save(
    demo_db: Path, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    # GBK without BOM is what Excel/WPS save as "CSV" on a Chinese Windows; UTF-16 with tabs is
    # Excel's "Unicode text".
    path = tmp_path / "表态.csv"
    rows = [
        ["表态单位", "表态内容", "完成时限", "状态"],
        ["土地局", "完成宏基项目用地组卷报批（第二批）", "2026/12/15", "推进中"],
    ]
    text = "".join(delimiter.join(row) + "\r\n" for row in rows)
    path.write_bytes(text.encode(encoding))
    if encoding.startswith("gb"):
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    result = do_import(demo_db, path)  # the sheet from the file name
    assert counts(result) == {"表态": (1, 0, 0)}
    assert query(
        demo_db,
        "SELECT d.name, p.content, p.due_on, p.status FROM pledges p "
        "JOIN departments d ON d.id = p.department_id ORDER BY p.id DESC LIMIT 1",
    ) == [("土地局", "完成宏基项目用地组卷报批（第二批）", "2026-12-15", "in_progress")]


def test_unreadable_csv_encoding_is_one_clear_refusal(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xe7\xbc\x96\x80,\xff\n")  # neither UTF-8 nor GB18030
    with pytest.raises(BoardError) as caught:
        do_import(demo_db, path, sheet="表态")
    assert caught.value.message == ZH["err.bad_encoding"].format(path=path)


# --- the command line, for real ------------------------------------------------------------------


def test_cli_export_import_round_trip_and_one_line_failures(demo_db: Path, tmp_path: Path) -> None:
    book = tmp_path / "out.xlsx"
    ok = run_cli("export", str(book), "--db", str(demo_db), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(ZH["export.done"].split("：")[0])
    before = dump(demo_db)
    again = run_cli("import", str(book), "--db", str(demo_db), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert dump(demo_db) == before
    assert ZH["import.done"].format(path=book) in again.stdout

    failures = [
        (("export", str(book), "--db", str(demo_db)), ZH["err.out_exists"].format(path=book)),
        (
            ("import", str(tmp_path / "none.xlsx"), "--db", str(demo_db)),
            ZH["err.file_missing"].format(path=tmp_path / "none.xlsx"),
        ),
        (
            ("export", str(tmp_path / "x.csv"), "--db", str(demo_db)),
            ZH["err.csv_sheet"].format(choices="项目、表态、问题、节点、部门"),
        ),
    ]
    for args, message in failures:
        result = run_cli(*args, cwd=tmp_path)
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines() == [ZH["err.prefix"] + message], result.stderr
        assert result.returncode == 2


# --- hostile input -------------------------------------------------------------------------------

TEXTS = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.sampled_from(["[red]x[/]", "[/b]", "=1+1", "😀🏗️", "👨‍👩‍👧", "  ", "\x1b[31m红\x1b[0m"]),
    st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=5),
    st.sampled_from(["长" * 40_000, "x" * 3_000]),
)
DATES = st.one_of(
    st.sampled_from(["2023-13-45", "2026/02/30", "tomorrow", "2026-12-01", "2026年12月1日"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)).map(str),
)
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["50", "12.0", "1e3", "-1", "101", "50%", "nan", "inf", "1,200", "٣"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
HOSTILE = st.one_of(TEXTS, DATES, NUMBERS)
VALID: dict[str, st.SearchStrategy[str]] = {
    "id": st.sampled_from(["", "", "1", "2", "3", "999999", "1.0"]),
    "text": st.one_of(
        st.sampled_from(["新的内容", "A-1", "KF-77", "[red]x[/]", "=1+1", "😀"]),
        st.text(alphabet="甲乙丙丁项目用地abc123-_ ", min_size=1, max_size=12).filter(str.strip),
    ),
    "date": st.one_of(st.just(""), DATES),
    "progress": st.sampled_from(["0", "35", "50%", "100", ""]),
    "money": st.sampled_from(["", "1200", "1,200.5", "0"]),
    "int": st.sampled_from(["", "5", "150", "-3"]),
    "department": st.sampled_from(["土地局", "土地", "招商局", "规划建设局", "不存在的局", ""]),
    "project": st.sampled_from(["KF-01", "KF-02", "KF-404", ""]),
    "meeting": st.sampled_from(["", "1", "99"]),
}


def cell_strategy(column: Any) -> st.SearchStrategy[str]:
    from board.exchange.sheets import CODE_LISTS
    from board.i18n import t

    if column.kind == "code":
        words = [t(f"{column.codes}.{c}") for c in CODE_LISTS[column.codes]]
        valid = st.sampled_from([*words, *CODE_LISTS[column.codes], ""])
    else:
        valid = VALID[column.kind]
    # Mostly plausible, sometimes hostile: a file has a bad cell or two, not only bad cells.
    return st.integers(0, 11).flatmap(lambda n: HOSTILE if n == 0 else valid)


@st.composite
def sheets(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    from board.exchange.sheets import SHEETS as SPECS

    spec = draw(st.sampled_from(SPECS))
    required = [c for c in spec.columns if c.empty == "required" or c.kind == "id"]
    others = [c for c in spec.columns if c not in required]
    chosen = required if draw(st.integers(0, 4)) else []
    chosen = chosen + draw(st.lists(st.sampled_from(others), max_size=len(others), unique=True))
    if not chosen:
        chosen = [draw(st.sampled_from(spec.columns))]
    rows = draw(
        st.lists(st.tuples(*(cell_strategy(c) for c in chosen)).map(list), min_size=1, max_size=4)
    )
    return spec.name, [c.header for c in chosen], rows


def write_sheet(path: Path, sheet: str, header: list[str], rows: list[list[str]]) -> None:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([header, *rows])
        return
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in [header, *rows]:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in row])
    book.save(path)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from board.store.demo import build_demo

    path = tmp_path_factory.mktemp("pristine") / "demo.db"
    build_demo(path, TODAY)
    return path


def copy_db(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=sheets(), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_import_of_generated_rows_is_all_or_nothing(
    pristine: Path, data: tuple[str, list[str], list[list[str]]], suffix: str
) -> None:
    sheet, header, rows = data
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "board.db"
        copy_db(pristine, db)
        before = dump(db)
        path = Path(scratch) / f"in{suffix}"
        write_sheet(path, sheet, header, rows)
        try:
            result = import_file(db, path, sheet=sheet, today=TODAY)
        except BoardError as refused:  # a clean refusal: one message, nothing written
            event("refused")
            assert refused.message
            assert "Traceback" not in refused.message
            assert dump(db) == before
            return
        event("accepted" if result.changed else "accepted, no change")
        after = dump(db)
        table = {"项目": "projects", "表态": "pledges", "问题": "blockers", "部门": "departments"}
        added = result.sheets[0].added
        assert len(after[table[sheet]]) == len(before[table[sheet]]) + added
        # What was written exports and imports back unchanged.
        out = Path(scratch) / "out.xlsx"
        export_file(db, out)
        again = import_file(db, out, today=TODAY)
        assert again.changed == 0
        assert dump(db) == after
