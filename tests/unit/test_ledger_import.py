"""Office ledgers imported into a real demo database: what is stored, what is skipped, the same
ledger twice, next month's ledger, the 序号 trap, renames, units, pledges and refusals.

Tables are read back with plain sqlite3, so "nothing changed" means every column of every
row, `version` and the change log included.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from board.errors import BoardError
from board.exchange.exporting import export_file
from board.exchange.importing import ImportResult
from board.exchange.ledger.plan import Options
from board.exchange.ledger.report import LedgerRefused, LedgerResult, preview, refusal
from board.exchange.ledger.run import import_any
from board.i18n import zh_cn
from tests.conftest import TODAY
from tests.ledgers import (
    PROJECT_HEADER,
    Spec,
    pledge_list,
    project_ledger,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)

ZH = zh_cn.STRINGS
TABLES = ("projects", "pledges", "blockers", "departments", "meetings")


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
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


def ledger(db: Path, path: Path, **options: Any) -> LedgerResult:
    result = import_any(db, path, Options(**options), TODAY)
    assert isinstance(result, LedgerResult)
    return result


def project(db: Path, code: str) -> dict[str, Any]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute(
            "SELECT p.*, d.name AS lead FROM projects p "
            "LEFT JOIN departments d ON d.id = p.lead_department_id WHERE p.code = ?",
            (code,),
        ).fetchone()
        return dict(row)
    finally:
        con.close()


def names(db: Path) -> dict[str, str]:
    return dict(query(db, "SELECT code, name FROM projects"))


def counts(result: LedgerResult, table: str) -> tuple[int, int, int]:
    added, updated, unchanged = result.reports[0].counts[table]
    return added, updated, unchanged


# --- a project ledger ---------------------------------------------------------------------------


def test_a_project_ledger_is_stored_as_board_reads_it(demo_db: Path, tmp_path: Path) -> None:
    before = names(demo_db)
    path = write_xlsx(tmp_path / "重点项目推进台账.xlsx", project_ledger(), Spec("Sheet2", []))
    result = ledger(demo_db, path, create_departments=True)
    assert counts(result, "projects") == (2, 3, 0)
    assert counts(result, "blockers") == (3, 0, 0)
    assert counts(result, "departments")[0] == 1
    # No stored project renamed; the ledger's ★ and bracket widths are not a new name.
    assert {c: n for c, n in names(demo_db).items() if c in before} == before

    kf06 = project(demo_db, "KF-06")
    assert (kf06["name"], kf06["total_investment"], kf06["year_plan_investment"]) == (
        "鼎晟精密铸造项目",
        54583.0,  # 5.4583 亿元, typed as text
        12000.0,  # "12,000.00"
    )
    assert (kf06["year_done_investment"], kf06["progress"], kf06["progress_note"]) == (
        8000.0,
        65,
        "主体封顶，完成形象进度65%",
    )
    assert (kf06["planned_start_on"], kf06["planned_complete_on"]) == ("2023-03-15", "2024-06-30")
    assert (kf06["lead"], kf06["leader"], kf06["location"]) == ("招商局", "张副主任", "纬二路以南")

    kf22 = project(demo_db, "KF-22")  # 华泰重工…(一期): half-width brackets in the ledger
    assert (kf22["total_investment"], kf22["lead"], kf22["stage"]) == (
        32000.0,
        "土地局",
        "producing",
    )
    assert (kf22["planned_start_on"], kf22["planned_complete_on"]) == ("2023-10-01", "2023-12-31")

    kf11 = project(demo_db, "KF-11")
    assert (kf11["stage"], kf11["started_on"], kf11["progress"]) == ("started", "2023-09-01", 80)
    assert (kf11["planned_start_on"], kf11["planned_complete_on"]) == ("2023-09-01", "2023-12-31")

    new = query(
        demo_db,
        "SELECT p.code, p.name, p.category, p.stage, p.total_investment, d.name, d.kind "
        "FROM projects p JOIN departments d ON d.id = p.lead_department_id "
        "WHERE p.code > 'KF-25' ORDER BY p.code",
    )
    assert new == [
        ("KF-26", "新材料产业园新项目", "investment", "signed", 15000.0, "商务局", "bureau"),
        ("KF-27", "新建技改项目乙", "upgrade", "started", 3000.0, "规划建设局", "bureau"),
    ]
    assert query(
        demo_db,
        "SELECT j.code, b.category, b.description, d.name, b.resolved_on FROM blockers b "
        "JOIN projects j ON j.id = b.project_id JOIN departments d ON d.id = b.department_id "
        "WHERE b.id > 20 ORDER BY b.id",
    ) == [
        ("KF-06", "land", "用地指标未落实", "招商局", None),
        ("KF-11", "utilities", "电力增容未批复", "规划建设局", None),
        ("KF-11", "permits", "施工许可待办", "规划建设局", None),
    ]

    report = result.reports[0]
    assert [(s.number, s.reason) for s in sorted(report.rows.skipped, key=lambda s: s.number)] == [
        (5, "group"), (9, "blank"), (10, "group"), (13, "total"), (14, "total"),
        (15, "footer"), (16, "footer"),
    ]  # fmt: skip
    shown = {(row, text): day for row, _column, text, day in report.dates}
    assert shown[(6, "2024.6")] == "2024-06-30"
    assert shown[(7, "45200")] == "2023-10-01"
    assert shown[(8, "待定")] == ZH["ledger.no_date"]
    assert shown[(11, "年底前")] == "2023-12-31"
    text = "\n".join(preview(report))
    assert ZH["ledger.mapping_line"].format(header="序号", field=ZH["ledger.field.seq"]) in text
    assert "总投资（亿元） → 总投资（万元），按 亿元 ×10000 换算为万元" in text
    assert "第 13 行：合计行“小计”" in text
    assert ZH["ledger.note.marks"].format(mark="★", count=1) in text
    assert "第 6 行：牵头单位 招商局；环保局 未保存" in text
    assert "KF-22 看板中已是“投产”，不退回台账的“开工”" in text


def test_the_same_ledger_twice_changes_nothing(demo_db: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", project_ledger())
    ledger(demo_db, path, create_departments=True)
    after = dump(demo_db)
    again = ledger(demo_db, path, create_departments=True)
    assert dump(demo_db) == after
    assert again.changed == 0
    assert counts(again, "projects") == (0, 0, 5)
    assert counts(again, "blockers") == (0, 0, 3)


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".csv", ".utf8.csv"])
def test_every_format_stores_the_same(demo_db: Path, tmp_path: Path, suffix: str) -> None:
    reference = tmp_path / "ref.db"
    reference.write_bytes(demo_db.read_bytes())
    ledger(reference, write_xlsx(tmp_path / "台账.xlsx", project_ledger()), create_departments=True)
    path = tmp_path / f"台账{suffix}"
    if suffix == ".xls":
        write_xls(path, project_ledger())
    elif suffix == ".ods":
        write_ods(path, project_ledger())
    else:
        write_csv(path, project_ledger(), "utf-8-sig" if suffix.startswith(".utf8") else "gbk")
    ledger(demo_db, path, create_departments=True)
    for table in ("projects", "blockers", "departments"):
        assert stamped_aside(demo_db, table) == stamped_aside(reference, table), table
    # And the xlsx imported after its CSV (or the other way) changes nothing.
    before = dump(demo_db)
    ledger(demo_db, tmp_path / "台账.xlsx", create_departments=True)
    assert dump(demo_db) == before


def stamped_aside(db: Path, table: str) -> list[tuple[Any, ...]]:
    """A table's rows without updated_at (stamped to the second: two imports may differ)."""
    columns = [r[1] for r in query(db, f"PRAGMA table_info({table})") if r[1] != "updated_at"]
    return query(db, f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")


def test_next_months_ledger_updates_the_same_projects(demo_db: Path, tmp_path: Path) -> None:
    ledger(demo_db, write_xlsx(tmp_path / "7月.xlsx", project_ledger()), create_departments=True)
    count = query(demo_db, "SELECT count(*) FROM projects")[0][0]
    later = ledger(
        demo_db,
        write_xlsx(tmp_path / "8月.xlsx", project_ledger(9, "8月")),
        create_departments=True,
    )
    assert counts(later, "projects") == (1, 2, 3)
    assert query(demo_db, "SELECT count(*) FROM projects")[0][0] == count + 1
    kf06 = project(demo_db, "KF-06")
    assert (kf06["year_done_investment"], kf06["progress"], kf06["version"]) == (9500.0, 70, 3)
    kf26 = project(demo_db, "KF-26")  # 前期 last month, 新开工 now: started, and on which day
    assert (kf26["name"], kf26["stage"], kf26["started_on"]) == (
        "新材料产业园新项目",
        "started",
        TODAY.isoformat(),  # no 开工时间 (待定) and no 截至 day: the day of the import
    )
    assert project(demo_db, "KF-28")["name"] == "新增项目丙"
    assert query(demo_db, "SELECT count(*) FROM blockers WHERE id > 20") == [(3,)]


# --- never guess an id ---------------------------------------------------------------------------


def test_the_xuhao_trap_a_cleaned_up_ledger_renames_nothing(demo_db: Path, tmp_path: Path) -> None:
    # A ledger "cleaned up" into board's sheet name with its header on row 1: 序号 1–15 are
    # row numbers, not ids 1–15, and its names are in another order.
    stored = query(demo_db, "SELECT id, code, name FROM projects WHERE id <= 15 ORDER BY id")
    rows: list[list[Any]] = [["序号", "项目名称", "形象进度", "责任单位", "项目进展情况"]]
    for number, (_id, _code, name) in enumerate(reversed(stored), start=1):
        mark = "★" if number == 1 else ""
        rows.append([number, mark + name, number * 5, None, f"第{number}行的进展"])
    path = write_xlsx(tmp_path / "台账.xlsx", Spec("项目", rows))
    pledges_before = query(demo_db, "SELECT * FROM pledges ORDER BY id")
    result = ledger(demo_db, path)
    assert counts(result, "projects") == (0, 15, 0)
    after = query(demo_db, "SELECT id, code, name FROM projects WHERE id <= 15 ORDER BY id")
    assert after == stored  # KF-01 is still 创业中心大楼
    for number, (_id, code, name) in enumerate(reversed(stored), start=1):
        row = project(demo_db, code)
        assert (row["name"], row["progress"], row["progress_note"]) == (
            name,
            number * 5,
            f"第{number}行的进展",
        )
    assert query(demo_db, "SELECT * FROM pledges ORDER BY id") == pledges_before


def test_the_xuhao_trap_in_a_pledge_sheet_adds_pledges_and_rewrites_none(
    demo_db: Path, tmp_path: Path
) -> None:
    rows = [["序号", "表态单位", "表态内容", "完成时限"]]
    rows += [[n, "土地局", f"第{n}项表态", "12月底"] for n in range(1, 16)]
    path = write_xlsx(tmp_path / "表态.xlsx", Spec("表态", rows))
    before = query(demo_db, "SELECT * FROM pledges ORDER BY id")
    result = ledger(demo_db, path)
    assert counts(result, "pledges") == (15, 0, 0)
    assert query(demo_db, "SELECT * FROM pledges WHERE id <= ? ORDER BY id", len(before)) == before


def test_a_rename_by_code_is_refused_unless_confirmed(demo_db: Path, tmp_path: Path) -> None:
    rows = [["项目编号", "项目名称", "总投资（万元）", "责任单位"],
            ["KF-06", "鼎晟精密铸造二期项目", 60000, "招商局"]]  # fmt: skip
    path = write_xlsx(tmp_path / "台账.xlsx", Spec("Sheet1", rows))
    before = dump(demo_db)
    with pytest.raises(LedgerRefused) as caught:
        ledger(demo_db, path)
    assert dump(demo_db) == before
    [problem] = caught.value.problems
    assert problem.reason == ZH["ledger.rename_refused"].format(
        code="KF-06", old="鼎晟精密铸造项目", new="鼎晟精密铸造二期项目"
    )
    ledger(demo_db, path, rename=True)
    assert (project(demo_db, "KF-06")["name"], project(demo_db, "KF-06")["total_investment"]) == (
        "鼎晟精密铸造二期项目",
        60000.0,
    )


def test_an_offices_own_numbering_in_the_code_column_matches_by_name(
    demo_db: Path, tmp_path: Path
) -> None:
    rows = [["项目编号", "项目名称", "形象进度（%）"], ["XM-001", "创业中心大楼", 40],
            ["XM-002", "全新的项目", 0]]  # fmt: skip
    path = write_xlsx(tmp_path / "台账.xlsx", Spec("Sheet1", rows))
    result = ledger(demo_db, path)
    assert counts(result, "projects") == (1, 1, 0)
    assert project(demo_db, "KF-01")["progress"] == 40
    assert project(demo_db, "KF-26")["name"] == "全新的项目"
    assert ZH["ledger.note.own_codes"].format(column="项目编号") in result.reports[0].notes
    assert ledger(demo_db, path).changed == 0


def test_a_project_twice_in_the_ledger(demo_db: Path, tmp_path: Path) -> None:
    header = ["序号", "项目名称", "总投资（万元）"]
    same = [header, [1, "创业中心大楼", 100], [2, "创业中心大楼", 100]]
    result = ledger(demo_db, write_xlsx(tmp_path / "a.xlsx", Spec("S", same)))
    assert [(s.number, s.reason, s.text) for s in result.reports[0].rows.skipped] == [
        (3, "duplicate", "2")
    ]
    different = [header, [1, "创业中心大楼", 100], [2, "★创业中心大楼", 200]]
    with pytest.raises(LedgerRefused) as caught:
        ledger(demo_db, write_xlsx(tmp_path / "b.xlsx", Spec("S", different)))
    assert caught.value.problems[0].reason == ZH["ledger.same_project"].format(other=2)


# --- units ---------------------------------------------------------------------------------------


def test_unknown_units_are_refused_with_near_misses(demo_db: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "表态清单.xlsx", pledge_list())
    before = dump(demo_db)
    with pytest.raises(LedgerRefused) as caught:
        ledger(demo_db, path)
    assert dump(demo_db) == before
    [problem] = caught.value.problems
    assert problem.unit == "祝庄村"
    assert problem.reason == ZH["ledger.unknown_unit"].format(
        name="祝庄村", rows="9", near=ZH["ledger.near"].format(names="祝庄子村、小王庄村")
    )
    lines = refusal(caught.value.problems, path)
    assert lines[0] == ZH["ledger.refused_units"].format(count=1, names="祝庄村", path=path)


def test_pledges_with_deadlines_in_words(demo_db: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "表态清单.xlsx", pledge_list())
    result = ledger(demo_db, path, create_departments=True)
    assert counts(result, "pledges") == (6, 0, 0)
    latest = query(demo_db, "SELECT max(id) FROM meetings WHERE held_on <= ?", TODAY.isoformat())
    rows = query(
        demo_db,
        "SELECT d.name, j.code, p.content, p.due_on, p.status, p.done_on, p.note, p.meeting_id "
        "FROM pledges p JOIN departments d ON d.id = p.department_id "
        "LEFT JOIN projects j ON j.id = p.project_id WHERE p.id > 54 ORDER BY p.id",
    )
    meeting = latest[0][0]
    assert rows == [
        ("招商局", "KF-06", "完成鼎晟精密铸造项目二期签约", "2023-09-30", "done", "2023-09-26",
         None, meeting),
        ("招商局", None, "引进2个亿元以上项目", "2023-12-31", "in_progress", None, None, meeting),
        ("土地局", "KF-22", "完成华泰重工用地组卷报批", "2023-10-20", "in_progress", None,
         "已报市局", meeting),
        ("招商局", None, "完成新材料产业园环评批复", "2023-10-31", "open", None,
         "配合单位：环保局", meeting),
        ("农工部", None, "完成北区征地补偿款发放", None, "done", "2023-09-26",
         "配合单位：祝庄子村", meeting),  # 已办结 without a day: the list's 截至 day
        ("祝庄村", None, "清理施工道路障碍", "2023-10-31", "done", "2023-09-26", None, meeting),
    ]  # fmt: skip
    assert query(demo_db, "SELECT kind FROM departments WHERE name = '祝庄村'") == [("village",)]
    after = dump(demo_db)
    assert ledger(demo_db, path, create_departments=True).changed == 0
    assert dump(demo_db) == after
    # The same list saved as GBK CSV (its merged unit kept in the first row only) is the same.
    csv_path = write_csv(tmp_path / "表态清单.csv", pledge_list())
    assert ledger(demo_db, csv_path, create_departments=True).changed == 0
    assert dump(demo_db) == after
    # Next meeting's list: one pledge done, the others as they were.
    later = pledge_list()
    later.rows[6][5] = "已完成（10月28日）"
    ledger(demo_db, write_xlsx(tmp_path / "10月.xlsx", later), create_departments=True)
    assert query(demo_db, "SELECT status, done_on FROM pledges WHERE id = 58") == [
        ("done", "2023-10-28")
    ]
    assert query(demo_db, "SELECT count(*) FROM pledges") == [(60,)]


# --- refusals and board's own file --------------------------------------------------------------


def test_bad_cells_refuse_the_whole_ledger(demo_db: Path, tmp_path: Path) -> None:
    spec = project_ledger()
    spec.rows[5][5] = "一万二"  # 计划投资
    spec.rows[6][10] = "下周"  # 竣工时间
    path = write_xlsx(tmp_path / "台账.xlsx", spec)
    before = dump(demo_db)
    with pytest.raises(LedgerRefused) as caught:
        ledger(demo_db, path, create_departments=True)
    assert dump(demo_db) == before
    assert [p.line() for p in caught.value.problems] == [
        ZH["import.problem"].format(sheet="7月", row=6, column="2023年投资情况/计划投资",
                                    reason=ZH["ledger.bad_number"].format(value="一万二")),
        ZH["import.problem"].format(sheet="7月", row=7, column="竣工时间",
                                    reason=ZH["ledger.bad_date"].format(value="下周")),
    ]  # fmt: skip
    lines = refusal(caught.value.problems, path)
    assert lines[0] == ZH["ledger.refused"].format(count=2, path=path)


def test_a_long_refusal_lists_twenty_problems_then_the_rest_as_a_count(
    demo_db: Path, tmp_path: Path
) -> None:
    rows = [["序号", "项目名称", "总投资（万元）"]]
    rows += [[n, f"项目{n}", "很多"] for n in range(1, 31)]
    path = write_xlsx(tmp_path / "台账.xlsx", Spec("S", rows))
    with pytest.raises(LedgerRefused) as caught:
        ledger(demo_db, path)
    lines = refusal(caught.value.problems, path)
    assert lines[0] == ZH["ledger.refused"].format(count=30, path=path)
    assert lines[21] == ZH["ledger.more"].format(count=10)
    assert len(refusal(caught.value.problems, path, everything=True)) == 32


def test_boards_own_export_still_round_trips_exactly(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "board.xlsx"
    export_file(demo_db, path)
    before = dump(demo_db)
    result = import_any(demo_db, path, Options(), TODAY)
    assert isinstance(result, ImportResult)
    assert result.changed == 0
    assert dump(demo_db) == before
    csv_path = tmp_path / "表态.csv"
    export_file(demo_db, csv_path, sheet="表态")
    assert isinstance(import_any(demo_db, csv_path, Options(), TODAY), ImportResult)
    assert dump(demo_db) == before


def test_a_pledge_list_grouped_under_its_units(demo_db: Path, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["县重点工作督办台账"],
        ["序号", "督办事项", "牵头单位", "配合单位", "责任领导", "完成时限", "进展情况"],
        [1, "完成鼎晟二期签约", "招商局", "土地局", "张县长", "每月25日前", "滞后"],
        ["土地局"],
        [2, "完成北区用地组卷", None, None, None, "2023年9月底前", "正常推进"],
        [3, "清理闲置土地", None, None, None, "11月", None],
    ]
    result = ledger(demo_db, write_xlsx(tmp_path / "督办.xlsx", Spec("Sheet1", rows)), year=2023)
    assert counts(result, "pledges") == (3, 0, 0)
    assert query(
        demo_db,
        "SELECT d.name, p.content, p.due_on, p.status, p.note FROM pledges p "
        "JOIN departments d ON d.id = p.department_id WHERE p.id > 54 ORDER BY p.id",
    ) == [
        ("招商局", "完成鼎晟二期签约", None, "in_progress", "完成情况：滞后；配合单位：土地局"),
        ("土地局", "完成北区用地组卷", "2023-09-30", "in_progress", None),
        ("土地局", "清理闲置土地", "2023-11-30", "open", None),
    ]
    assert [(s.number, s.reason) for s in result.reports[0].rows.skipped] == [(4, "group")]


def test_a_board_named_sheet_without_ids_that_the_strict_rules_refuse_is_read_as_a_ledger(
    demo_db: Path, tmp_path: Path
) -> None:
    rows = [
        ["表态单位", "表态内容", "完成时限", "状态"],
        ["招商局", "年底前引进两个项目", "年底前", "推进中"],
    ]
    path = write_xlsx(tmp_path / "表态.xlsx", Spec("表态", rows))
    result = import_any(demo_db, path, Options(year=2023), TODAY)
    assert isinstance(result, LedgerResult)
    assert query(demo_db, "SELECT due_on, status FROM pledges WHERE id = 55") == [
        ("2023-12-31", "in_progress")
    ]
    # With ISO dates the same sheet is board's own and reads as before.
    rows[1][1:3] = ["另一条表态", "2026-12-15"]
    same = write_xlsx(tmp_path / "表态2.xlsx", Spec("表态", rows))
    assert isinstance(import_any(demo_db, same, Options(), TODAY), ImportResult)


def test_boards_own_file_renames_only_with_rename(demo_db: Path, tmp_path: Path) -> None:
    # An exported workbook whose rows were re-sorted under their 编号 (1, 2, 3… kept in place
    # while the rest moved) must not rename every project: a name change needs --rename.
    from openpyxl import load_workbook

    path = tmp_path / "board.xlsx"
    export_file(demo_db, path)
    book = load_workbook(path)
    ws = book["项目"]
    codes = [ws.cell(r, 2).value for r in range(2, 17)]
    titles = [ws.cell(r, 3).value for r in range(2, 17)]
    for offset, r in enumerate(range(2, 17)):
        ws.cell(r, 2).value = codes[-1 - offset]
        ws.cell(r, 3).value = titles[-1 - offset]
    book.save(path)
    before = dump(demo_db)
    with pytest.raises(BoardError) as caught:
        import_any(demo_db, path, Options(), TODAY)
    assert dump(demo_db) == before
    assert ZH["import.rename_refused"].format(old="创业中心大楼", new=titles[-1]) in str(
        caught.value
    )
    # One real rename, confirmed.
    export_file(demo_db, path := tmp_path / "again.xlsx")
    book = load_workbook(path)
    book["项目"].cell(2, 3).value = "创业中心大楼（科技孵化中心）"
    book.save(path)
    with pytest.raises(BoardError):
        import_any(demo_db, path, Options(), TODAY)
    result = import_any(demo_db, path, Options(rename=True), TODAY)
    assert isinstance(result, ImportResult) and result.changed == 1
    assert project(demo_db, "KF-01")["name"] == "创业中心大楼（科技孵化中心）"


def test_the_json_for_scripts(demo_db: Path, tmp_path: Path) -> None:
    import json

    from board.exchange.ledger.report import as_json

    path = write_xlsx(tmp_path / "台账.xlsx", project_ledger())
    payload = json.loads(json.dumps(as_json(ledger(demo_db, path, create_departments=True))))
    [table] = payload["ledger"]
    assert (table["sheet"], table["kind"], table["header_rows"], table["year"]) == (
        "7月",
        "projects",
        [3, 4],
        2023,
    )
    assert table["counts"]["projects"] == {"added": 2, "updated": 3, "unchanged": 0}
    assert {"row": 13, "reason": "total", "text": "小计"} in table["skipped"]
    assert {"header": "总投资（亿元）", "field": "total_investment", "unit": "亿元"} in (
        table["columns"]
    )


def with_milestones(spec: Spec) -> Spec:
    """The ledger with a 关键节点安排 column at the end, as many county ledgers have."""
    rows = [list(r) for r in spec.rows]
    header = rows.index(PROJECT_HEADER)
    rows[header] = [*PROJECT_HEADER, "关键节点\n安排"]
    plans = {
        "★鼎晟精密铸造项目": "1.2023年9月底前设备进场；2.12月主体封顶",
        "凯达机械搬迁扩能技改项目": "年底前竣工验收",
        "新建技改项目乙": "—",
    }
    for row in rows[header + 1 :]:
        if len(row) > 1 and row[1] in plans:
            row.append(plans[row[1]])
    return Spec(spec.name, rows, [*spec.merges, "Q3:Q4"])


def milestones_of(db: Path, name: str, after: int) -> list[tuple[Any, ...]]:
    return query(
        db,
        "SELECT m.name, m.due_on, d.name, m.done_on FROM milestones m "
        "JOIN projects p ON p.id = m.project_id LEFT JOIN departments d ON d.id = m.department_id "
        "WHERE p.name = ? AND m.id > ? ORDER BY m.sort_order",
        name,
        after,
    )


def test_a_ledgers_key_milestones_column_becomes_milestones(demo_db: Path, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", with_milestones(project_ledger()))
    before, last = query(demo_db, "SELECT count(*), max(id) FROM milestones")[0]
    result = ledger(demo_db, path, create_departments=True)
    assert counts(result, "milestones") == (3, 0, 0)
    assert "节点 新增 3 个（已有 0 个）" in "\n".join(preview(result.reports[0]))
    # Each item one milestone, due on the date it names (the ledger's year), the lead's.
    assert milestones_of(demo_db, "鼎晟精密铸造项目", last) == [
        ("2023年9月底前设备进场", "2023-09-30", "招商局", None),
        ("12月主体封顶", "2023-12-31", "招商局", None),
    ]
    assert milestones_of(demo_db, "凯达机械搬迁扩能技改项目", last) == [
        ("年底前竣工验收", "2023-12-31", "规划建设局", None)
    ]
    assert query(demo_db, "SELECT count(*) FROM milestones")[0][0] == before + 3
    # The same ledger again: the milestones are there already; nothing is added or changed.
    stored = query(demo_db, "SELECT * FROM milestones ORDER BY id")
    again = ledger(demo_db, path, create_departments=True)
    assert counts(again, "milestones") == (0, 0, 3)
    assert query(demo_db, "SELECT * FROM milestones ORDER BY id") == stored
