"""Ledger cells read as board stores them: amounts, dates and date words, statuses, stages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from board.errors import BoardError
from board.exchange.ledger.headers import match_header
from board.exchange.ledger.matching import Codes, clean_name, name_key
from board.exchange.ledger.units import forms, guess_kind, split_units
from board.exchange.ledger.values import (
    Years,
    blocker_category,
    category_of,
    percent_in,
    read_amount,
    read_day,
    read_percent,
    read_span,
    read_status,
    stage_of,
)
from board.i18n import zh_cn

ZH = zh_cn.STRINGS
Y2023 = Years(2023, date(2023, 9, 26))


@pytest.mark.parametrize(
    ("cell", "factor", "stored"),
    [
        ("54,583.00", 1, 54583.0),
        (54583, 1, 54583.0),
        ("5.4583", 10000, 54583.0),  # a 亿元 column
        ("1.5亿", 1, 15000.0),  # the cell's own unit wins
        ("5000万元", 10000, 5000.0),
        ("５４，５８３", 1, 54583.0),  # full-width digits and comma
        (" 12 ", 1, 12.0),
        ("无", 1, None),
        ("—", 1, None),
        (None, 1, None),
        (0.1 + 0.2, 1, 0.3),
    ],
)
def test_amounts(cell: Any, factor: float, stored: float | None) -> None:
    assert read_amount(cell, factor) == stored


def test_an_amount_that_is_not_one_is_refused_in_words() -> None:
    with pytest.raises(BoardError) as caught:
        read_amount("约五千万", 1)
    assert caught.value.message == ZH["ledger.bad_number"].format(value="约五千万")


@pytest.mark.parametrize(
    ("cell", "end", "iso", "words"),
    [
        (datetime(2023, 9, 28), True, "2023-09-28", False),
        ("2023.9.28", True, "2023-09-28", False),
        ("2023-09-28", False, "2023-09-28", False),
        ("2023/9/1 0:00", True, "2023-09-01", False),
        ("2023年9月28日", True, "2023-09-28", False),
        ("2023.9", True, "2023-09-30", True),  # a month alone: its last day for an end
        ("2023.9", False, "2023-09-01", True),  # and its first day for a start
        (2023.9, True, "2023-09-30", True),  # typed as a number
        ("2023.10", True, "2023-10-31", True),  # as text: October, not 2023.1
        ("2023年9月", True, "2023-09-30", True),
        ("9月30日前", True, "2023-09-30", True),  # the year from the title
        ("10月中旬", True, "2023-10-20", True),
        ("10月上旬", True, "2023-10-10", True),
        ("10月底", True, "2023-10-31", True),
        ("十月底前", True, "2023-10-31", True),
        ("2月底", True, "2023-02-28", True),
        ("年底前", True, "2023-12-31", True),
        ("年内", True, "2023-12-31", True),
        ("2024年底", True, "2024-12-31", True),
        ("上半年", True, "2023-06-30", True),
        ("三季度", True, "2023-09-30", True),
        ("力争10月底前完成", True, "2023-10-31", True),
        (45200, False, "2023-10-01", True),  # an Excel serial day
        ("2023.3-2024.6", False, "2023-03-01", True),  # a span in a start column: its start
        ("2023.3-2024.6", True, "2024-06-30", True),
        ("待定", True, None, True),
        ("长期", True, None, True),
        ("持续推进", True, None, True),
        (None, True, None, False),
    ],
)
def test_dates_and_date_words(cell: Any, end: bool, iso: str | None, words: bool) -> None:
    day = read_day(cell, Y2023, end=end)
    assert (day.iso, day.words) == (iso, words)


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [
        ("2023.3-2024.6", "2023-03-01", "2024-06-30"),
        ("2009-2011", "2009-01-01", "2011-12-31"),
        ("2023年3月-2024年6月", "2023-03-01", "2024-06-30"),
        ("2023.3—2024.6", "2023-03-01", "2024-06-30"),
        ("2023.3-6", "2023-03-01", "2023-06-30"),  # the end's year is the start's
        ("2023", "2023-01-01", "2023-12-31"),
        ("2023.9", "2023-09-01", "2023-09-30"),
    ],
)
def test_spans(cell: str, start: str, end: str) -> None:
    first, last = read_span(cell, Y2023)
    assert (first.iso, last.iso) == (start, end)


@pytest.mark.parametrize("cell", ["下周", "2023-13-45", "2月30日", "明天上午"])
def test_a_date_that_is_not_one_is_refused_with_the_forms_that_work(cell: str) -> None:
    with pytest.raises(BoardError) as caught:
        read_day(cell, Y2023, end=True)
    assert caught.value.message == ZH["ledger.bad_date"].format(value=cell)
    assert "9月30日前" in caught.value.message


@pytest.mark.parametrize(
    ("cell", "code", "done_on", "more"),
    [
        ("已完成", "done", None, False),
        ("已完成（9月26日）", "done", "2023-09-26", False),
        ("已于9月20日完成", "done", "2023-09-20", False),
        ("已办结", "done", None, False),
        ("销号", "done", None, False),
        ("推进中", "in_progress", None, False),
        ("正在推进", "in_progress", None, False),
        ("正在推进，已完成用地预审", "in_progress", None, True),
        ("已完成用地预审，正在办理规划许可", "in_progress", None, True),
        ("未启动", "open", None, False),
        ("未完成", "open", None, False),
        ("已撤销", "dropped", None, False),
    ],
)
def test_statuses_in_words(cell: str, code: str, done_on: str | None, more: bool) -> None:
    status = read_status(cell, Y2023)
    assert status is not None
    assert (status.code, status.done_on.iso, status.more) == (code, done_on, more)


@pytest.mark.parametrize(
    ("word", "stage"),
    [
        ("前期", "signed"),
        ("新开工", "started"),
        ("续建", "started"),
        ("续建项目", "started"),
        ("竣工", "completed"),
        ("投产", "producing"),
        ("开工", "started"),
        ("新建", None),  # a kind of construction, not a stage
    ],
)
def test_stages_from_project_nature(word: str, stage: str | None) -> None:
    assert stage_of(word) == stage


def test_categories_from_group_rows_and_words() -> None:
    assert category_of("一、招商引资项目（8项）") == "investment"
    assert category_of("（一）工业项目82个") == "investment"
    assert category_of("二、技改项目") == "upgrade"
    assert category_of("孵化") == "incubation"
    assert category_of("三、基础设施配套项目") == "infrastructure"
    assert category_of("其中：在建重点项目") is None
    assert blocker_category("用地指标未落实") == "land"
    assert blocker_category("电力增容未批复") == "utilities"
    assert blocker_category("施工许可待办") == "permits"
    assert blocker_category("村民阻工") == "stability"


def test_percentages() -> None:
    assert read_percent("65%") == 65
    assert read_percent(60.4) == 60
    assert percent_in("主体封顶，完成形象进度65%") == 65
    assert percent_in("完成投资占年计划120%，形象进度80%") == 80  # over 100 is not progress
    assert percent_in("主体封顶") is None
    with pytest.raises(BoardError):
        read_percent("120%")


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        ("项目名称", "name", None),
        ("名称", "name", None),
        ("建设地点", "location", None),
        ("地点", "location", None),
        ("总投资\n（万元）", "total_investment", "万元"),
        ("总投资(亿元)", "total_investment", "亿元"),
        ("计划总投资（万元）", "total_investment", "万元"),
        ("年度计划投资", "year_plan_investment", None),
        ("2023年计划投资（万元）", "year_plan_investment", "万元"),
        ("2023年投资情况/计划投资", "year_plan_investment", None),
        ("1-8月完成投资", "year_done_investment", None),
        ("2023年投资情况/1-8月完成投资", "year_done_investment", None),
        ("1—9月完成投资（万元）", "year_done_investment", "万元"),
        ("年初至今完成投资", "year_done_investment", None),
        ("累计完成投资", "year_done_investment", None),
        ("2023年投资情况/占年计划%", "computed", "%"),
        ("项目进展情况", "progress_note", None),
        ("形象进度", "progress_text", None),
        ("形象进度（%）", "progress", "%"),
        ("责任单位", "lead", None),
        ("牵头单位", "lead", None),
        ("包保领导", "leader", None),
        ("挂点领导", "leader", None),
        ("挂钩领导", "leader", None),
        ("项目性质", "stage", None),
        ("开工时间", "planned_start_on", None),
        ("计划开工", "planned_start_on", None),
        ("竣工时间", "planned_complete_on", None),
        ("计划竣工", "planned_complete_on", None),
        ("建设起止年限", "period", None),
        ("建设\n年限", "period", None),
        ("存在问题", "blocker", None),
        ("需协调解决问题", "blocker", None),
        ("存在的困难和问题", "blocker", None),
        ("建设内容及规模", "scope", None),
        ("序号", "seq", None),
        ("联系电话", None, None),
    ],
)
def test_project_headers(header: str, field: str | None, unit: str | None) -> None:
    found = match_header(header, "projects")
    assert (found.field, found.unit) == (field, unit)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("表态事项", "content"),
        ("承诺事项", "content"),
        ("表态内容", "content"),
        ("会议表态事项", "content"),
        ("责任单位", "department"),
        ("表态单位", "department"),
        ("责任单位（部门）", "department"),
        ("完成时限", "due_on"),
        ("完成时间", "due_on"),
        ("完成情况", "status"),
        ("备注", "note"),
        ("涉及项目", "project"),
        ("配合单位", "co_department"),
    ],
)
def test_pledge_headers(header: str, field: str) -> None:
    assert match_header(header, "pledges").field == field


def test_names_are_compared_without_marks_spaces_and_brackets() -> None:
    assert clean_name("★鼎晟精密铸造项目") == ("鼎晟精密铸造项目", "★")
    assert clean_name("鼎晟精密\n铸造项目▲") == ("鼎晟精密铸造项目", "▲")
    assert name_key("华泰重工农机装备生产基地(一期)") == name_key(
        "华泰重工农机装备生产基地（一期）"
    )
    assert name_key("★ 鼎晟 精密铸造项目") == name_key("鼎晟精密铸造项目")
    assert name_key("厂房一期") != name_key("厂房二期")


def test_new_codes_follow_the_zone_pattern() -> None:
    taken = {"KF-01", "KF-02", "KF-25"}
    codes = Codes(taken)
    assert [codes.take(taken), codes.take(taken)] == ["KF-26", "KF-27"]
    empty: set[str] = set()
    assert Codes(empty).take(empty) == "TZ-001"


def test_units_split_bracketed_and_kind() -> None:
    assert split_units("招商局、环保局") == ["招商局", "环保局"]
    assert split_units("牵头：农工部；配合：祝庄子村") == ["农工部", "祝庄子村"]
    assert forms("土地局（自然资源分局）")[:3] == [
        "土地局（自然资源分局）",
        "土地局",
        "自然资源分局",
    ]
    assert [guess_kind(n) for n in ("祝庄村", "商务局", "招商服务中心", "宏达建设有限公司")] == [
        "village",
        "bureau",
        "office",
        "enterprise",
    ]


def test_every_word_the_preview_builds_a_key_for_is_in_both_catalogs() -> None:
    from typing import get_args

    from board.exchange.ledger.headers import KINDS, field_keys
    from board.exchange.ledger.rows import Reason
    from board.i18n import en

    keys = {f"ledger.field.{k}" for kind in KINDS for k in field_keys(kind)}
    keys |= {f"ledger.skip.{r}" for r in get_args(Reason)}
    keys |= {f"ledger.kind.{k}" for k in KINDS} | {f"ledger.counts.{k}" for k in KINDS}
    keys |= {f"ledger.year_from.{w}" for w in ("option", "map", "title", "file", "header", "today")}
    keys |= {f"ledger.action.{a}" for a in ("added", "updated", "unchanged")}
    keys |= {"ledger.note.not_stage", "ledger.note.not_category"}
    assert keys - set(ZH) == set()
    assert keys - set(en.STRINGS) == set()
    assert set(ZH) == set(en.STRINGS)
