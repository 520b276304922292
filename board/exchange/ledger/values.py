"""Ledger cells in board's form: amounts, dates and date words, percentages, and code words.

Offices type what they read aloud: "54,583.00" as text, 1.2亿, 2023.9, 9月30日前, 10月中旬,
年底前, 2023.3-2024.6, 待定; statuses as 已完成（9月26日）or 正在推进; stages as 新开工 or
续建. Each reader returns board's stored form or raises a one-line BoardError naming what it
could not read. A date taken from words (a month, a part of a month, a year word, a range, a
year supplied from the title) comes back flagged so the preview can show the choice.

The rules (docs/excel.md "办公室现有台账" says the same to users):
- a month alone is its last day for an end or deadline and its first day for a start;
  上旬 the 10th, 中旬 the 20th, 下旬/底/末 the last day; 年底/年内/年底前 31 December;
- 待定, 长期, 持续推进 and the like (and an empty cell) are no date;
- a day without a year takes the ledger's year (title, file name, or --year).
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from board.errors import BoardError
from board.exchange.cells import normal, read_code
from board.i18n import t


def word_set(text: str) -> frozenset[str]:
    """Words written one after another, as the office would list them."""
    return frozenset(text.split())


NO_DATE_WORDS = word_set(
    "待定 长期 长期坚持 长期推进 持续 持续推进 持续开展 常态化 常态化推进 另定 未定 暂无 无 "
    "视情况 视进度 根据进度 按序时 按序时推进 适时 随时 全年 每月 每周 定期 - -- / \\ — ——"
)
RECURRING = ("每", "长期", "持续", "常年", "常态")  # 每月25日前: a recurring task, no one day
NO_NUMBER_WORDS = word_set("无 暂无 待定 未定 - -- / \\ — —— ——— 0.00万元")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
MONEY_UNITS = {"亿元": 10000.0, "亿": 10000.0, "万元": 1.0, "万": 1.0, "元": 0.0001}
DASHES = str.maketrans({c: "-" for c in "—–－~～〜"} | {"／": "/", "．": "."})
SPAN_WORD = re.compile(r"(?<=[\d月年])[至到](?=\d)")  # 2023年3月至2024年6月, not 年初至今


@dataclass(frozen=True)
class Years:
    """What a date without a year is read against: the ledger's year and its 截至 day."""

    year: int
    as_of: date | None = None


@dataclass(frozen=True)
class Day:
    """A date read from a cell: ISO text or None, and whether it was chosen from words."""

    iso: str | None
    words: bool = False


def squeeze(text: str) -> str:
    """NFKC (full-width digits and brackets to half width), no whitespace, one kind of dash."""
    out = unicodedata.normalize("NFKC", text)
    return SPAN_WORD.sub("-", re.sub(r"\s+", "", out).translate(DASHES))


def cn_number(text: str) -> int | None:
    """一 … 三十一 as a number (months and days written in words)."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (CN_DIGITS.get(tens, 0) if tens else 1) * 10
    return value + (CN_DIGITS.get(ones, 0) if ones else 0)


def digits_for_words(text: str) -> str:
    """十月底 → 10月底, 九月三十日 → 9月30日."""

    def swap(match: re.Match[str]) -> str:
        number = cn_number(match[1])
        return f"{number}{match[2]}" if number is not None else match[0]

    return re.sub(r"([一二三四五六七八九十两〇零]+)(月|日|号)", swap, text)


# numbers ------------------------------------------------------------------------------------


def bad_number(value: Any) -> BoardError:
    return BoardError(t("ledger.bad_number", value=normal(value) or "∅"), kind="value")


def read_amount(value: Any, factor: float = 1.0) -> float | None:
    """An amount in 万元: a number, or text with thousands commas and maybe its own unit
    (1.2亿, 5000万元), times the column's unit `factor` (亿元 = 10000). Empty or 无 is None."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise bad_number(value)
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise bad_number(value)
        return round(float(value) * factor, 4)
    if isinstance(value, datetime | date):
        raise bad_number(value)
    text = squeeze(str(value)).replace(",", "").removeprefix("约").removeprefix("≈")
    if text in NO_NUMBER_WORDS or not text:
        return None
    for unit, unit_factor in MONEY_UNITS.items():
        if text.endswith(unit):
            text, factor = text.removesuffix(unit), unit_factor
            break
    try:
        number = float(text)
    except ValueError:
        raise bad_number(value) from None
    if not math.isfinite(number):
        raise bad_number(value)
    return round(number * factor, 4)


def read_percent(value: Any) -> int | None:
    """形象进度 as a whole percent: 60, "60%", 60.4 (rounded); over 100 is refused."""
    if value is None or normal(value) == "":
        return None
    if isinstance(value, bool):
        raise BoardError(t("err.bad_progress", value=normal(value)), kind="value")
    text = squeeze(str(value)).rstrip("%") if not isinstance(value, int | float) else value
    try:
        number = float(text)
    except ValueError:
        raise BoardError(t("err.bad_progress", value=normal(value)), kind="value") from None
    if not 0 <= number <= 100:
        raise BoardError(t("err.bad_progress", value=normal(value)), kind="value")
    return int(number + 0.5)


def percent_in(text: str) -> int | None:
    """The first percentage in free text (主体封顶，完成形象进度60%), when it is 0–100."""
    for match in re.finditer(r"(\d+(?:\.\d+)?)\s*[%％]", unicodedata.normalize("NFKC", text)):
        number = float(match[1])
        if number <= 100:
            return int(number + 0.5)
    return None


# dates --------------------------------------------------------------------------------------

PART = r"(上旬|中旬|下旬|初|中|底|末|上半月|下半月)?"
SUFFIX = r"(?:以前|之前|前|止|为止|左右|以内|内|前后|完成|前完成|开工|竣工|建成)*"
# One separator throughout (2023.3-6 is a span of months, not the 6th of March).
FULL = re.compile(
    r"(\d{4})(?:[-/.]|年)(\d{1,2})(?:(?<=-\d)-|(?<=-\d\d)-|(?<=/\d)/|(?<=/\d\d)/|(?<=\.\d)\.|"
    r"(?<=\.\d\d)\.|(?<=年\d)月|(?<=年\d\d)月)(\d{1,2})[日号]?(?:\d{1,2}:\d{2}(?::\d{2})?)?"
)
YEAR_MONTH = re.compile(r"(\d{4})[-/.年](\d{1,2})月?份?" + PART)
MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})[日号]?")
MONTH = re.compile(r"(\d{1,2})月份?" + PART)
YEAR = re.compile(r"(\d{4})年?(底|末|内|年底|年末|上半年|下半年|第?[一二三四1-4]季度)?")
YEAR_WORDS = re.compile(r"(年底|年末|年内|上半年|下半年|第?[一二三四1-4]季度)")
QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def month_day(year: int, month: int, part: str | None, end: bool) -> date:
    """A day of a month by its part: the first for a start, else 上旬 10, 中旬 20, else last."""
    last = calendar.monthrange(year, month)[1]
    part = part or ""
    if not end:
        return date(year, month, {"中旬": 11, "中": 11, "下旬": 21, "下半月": 16}.get(part, 1))
    if part in ("上旬", "初"):
        return date(year, month, 10)
    if part in ("中旬", "中", "上半月"):
        return date(year, month, 20 if part != "上半月" else 15)
    return date(year, month, last)


def year_part(year: int, part: str | None, end: bool) -> date:
    """年底/年内 31 December, 上半年 30 June, a quarter its last day (starts: first days)."""
    part = (part or "").lstrip("第")
    if part in ("上半年",):
        return date(year, 6, 30) if end else date(year, 1, 1)
    if part in ("下半年",):
        return date(year, 12, 31) if end else date(year, 7, 1)
    if part.endswith("季度") and part[0] in QUARTERS:
        quarter = QUARTERS[part[0]]
        return month_day(year, quarter * 3, None, True) if end else date(year, quarter * 3 - 2, 1)
    return date(year, 12, 31) if end else date(year, 1, 1)


def bad_date(value: Any) -> BoardError:
    return BoardError(t("ledger.bad_date", value=normal(value) or "∅"), kind="value")


def from_number(value: float, years: Years, end: bool) -> Day:
    """2023.9 typed in a cell (a number), a year alone, or an Excel serial day."""
    if value.is_integer() and 1900 <= value <= 2100:
        return Day(year_part(int(value), None, end).isoformat(), True)
    if 1900 < value < 2100:
        year, _, month = repr(value).partition(".")
        if month.isdigit() and 1 <= int(month) <= 12:
            return Day(month_day(int(year), int(month), None, end).isoformat(), True)
    if value.is_integer() and 20000 <= value <= 80000:  # Excel's day count from 1899-12-30
        return Day((date(1899, 12, 30) + timedelta(days=int(value))).isoformat(), True)
    raise bad_date(value)


def single(text: str, years: Years, end: bool) -> Day | None:
    """One date written in any of the ledger forms, or None when `text` is not one."""
    try:
        if match := re.fullmatch(FULL.pattern + SUFFIX, text):
            exact = FULL.fullmatch(text) is not None
            return Day(date(int(match[1]), int(match[2]), int(match[3])).isoformat(), not exact)
        if match := re.fullmatch(YEAR_MONTH.pattern + SUFFIX, text):
            day = month_day(int(match[1]), int(match[2]), match[3], end)
            return Day(day.isoformat(), True)
        if match := re.fullmatch(MONTH_DAY.pattern + SUFFIX, text):
            return Day(date(years.year, int(match[1]), int(match[2])).isoformat(), True)
        if match := re.fullmatch(MONTH.pattern + SUFFIX, text):
            return Day(month_day(years.year, int(match[1]), match[2], end).isoformat(), True)
        if match := re.fullmatch(YEAR.pattern + SUFFIX, text):
            return Day(year_part(int(match[1]), match[2], end).isoformat(), True)
        year = years.year + (1 if text.startswith("明年") else 0)
        words = re.sub(r"^(今年|本年|当年|明年)", "年", text)
        if match := re.fullmatch(YEAR_WORDS.pattern + SUFFIX, words):
            return Day(year_part(year, match[1], end).isoformat(), True)
    except ValueError:  # 2023-13-45, 2月30日: a date that does not exist
        return None
    return None


def read_day(value: Any, years: Years, *, end: bool) -> Day:
    """A date cell of a ledger; `end` says whether a month alone means its last day (ends
    and deadlines) or its first (starts). Unreadable text is refused with the forms that work."""
    if value is None or normal(value) == "":
        return Day(None)
    if isinstance(value, datetime):
        return Day(value.date().isoformat())
    if isinstance(value, date):
        return Day(value.isoformat())
    if isinstance(value, bool):
        raise bad_date(value)
    if isinstance(value, int | float):
        return from_number(float(value), years, end)
    text = digits_for_words(squeeze(str(value)))
    if text in NO_DATE_WORDS or text.strip("-/") == "" or text.startswith(RECURRING):
        return Day(None, True)
    found = single(text, years, end)
    if found is not None:
        return found
    if text.isdigit():
        return from_number(float(text), years, end)
    try:
        start, stop = read_span(value, years)
        if start.iso or stop.iso:
            return stop if end else start
    except BoardError:
        pass
    # Free text around a date (力争10月底前完成): the first date in it, shown in the preview.
    for pattern in (FULL, MONTH_DAY, YEAR_MONTH, MONTH):
        match = pattern.search(text)
        if match:
            found = single(match[0], years, end)
            if found is None:  # 2月30日: a day that does not exist is not read as February
                raise bad_date(value)
            return Day(found.iso, True)
    if "年底" in text or "年内" in text:
        return Day(year_part(years.year, None, end).isoformat(), True)
    raise bad_date(value)


def read_span(value: Any, years: Years) -> tuple[Day, Day]:
    """建设起止年限: 2023.3-2024.6, 2009-2011, 2023年3月-2024年6月, 2023.3-6 → (start, end).
    A single date or year stands for both ends."""
    if value is None or normal(value) == "":
        return Day(None), Day(None)
    if not isinstance(value, str):
        return read_day(value, years, end=False), read_day(value, years, end=True)
    text = digits_for_words(squeeze(value))
    if text in NO_DATE_WORDS:
        return Day(None, True), Day(None, True)
    whole_start, whole_end = single(text, years, False), single(text, years, True)
    if whole_start is not None and whole_end is not None:
        return whole_start, whole_end
    for cut in [i for i, c in enumerate(text) if c == "-"]:
        left, right = text[:cut], text[cut + 1 :]
        first = single(left, years, False)
        if first is None or first.iso is None:
            continue
        first_year = Years(int(first.iso[:4]), years.as_of)
        last = single(right, first_year, True)
        if last is None and right.rstrip("月").isdigit():  # 2023.3-6: the end's year is the start's
            last = single(f"{first.iso[:4]}.{right.rstrip('月')}", years, True)
        if last is not None and last.iso is not None:
            return Day(first.iso, True), Day(last.iso, True)
    raise bad_date(value)


# words --------------------------------------------------------------------------------------

STAGE_WORDS = {
    "前期": "signed", "签约": "signed", "储备": "signed", "谋划": "signed", "拟建": "signed",
    "落地": "landed", "拟开工": "landed", "待开工": "landed", "计划开工": "landed",
    "新开工": "started", "开工": "started", "续建": "started", "在建": "started",
    "竣工": "completed", "完工": "completed", "建成": "completed", "已竣工": "completed",
    "投产": "producing", "达产": "producing", "竣工投产": "producing", "运营": "producing",
}  # fmt: skip
CATEGORY_WORDS = (
    ("upgrade", ("技改", "技术改造", "改造", "扩建", "升级")),
    ("incubation", ("孵化", "众创", "双创", "创业")),
    ("infrastructure", ("基础", "配套", "设施", "基建", "市政", "公用")),
    ("investment", ("招商", "引资", "新引进", "产业", "工业", "制造", "新建")),
)
# A project name's words, when nothing else says its category (new projects only).
NAME_HINTS = (
    ("infrastructure", ("道路", "路网", "公路", "大道", "桥", "管网", "管道", "供水", "排水",
                        "污水", "供热", "热源", "燃气", "变电站", "电网", "基站", "通信", "管廊",
                        "泵站", "水厂", "绿化", "市政", "配套工程")),
    ("upgrade", ("技改", "改造", "扩建", "扩能", "升级", "搬迁")),
    ("incubation", ("孵化", "众创", "创业中心", "标准化厂房", "加速器")),
)  # fmt: skip
BLOCKER_HINTS = (
    ("land", ("用地", "土地", "征地", "征收", "拆迁", "林地", "指标", "地块", "红线", "组卷")),
    ("stability", ("阻工", "信访", "群众", "村民", "纠纷", "稳定", "上访", "补偿")),
    ("funds", ("资金", "融资", "贷款", "拨付", "补助", "欠款", "款项")),
    ("utilities", ("供水", "供电", "电力", "用电", "用水", "燃气", "供气", "供热", "通讯",
                   "网络", "配套", "水电", "管网", "排水", "污水", "道路")),
    ("permits", ("手续", "审批", "许可", "环评", "能评", "安评", "备案", "批复", "核准", "规划",
                 "施工图", "消防", "验收", "办证")),
)  # fmt: skip


def words_of(value: Any) -> str:
    """A code cell's words: no spaces, no 项目/类 suffix (续建项目 → 续建)."""
    text = squeeze(normal(value))
    for suffix in ("项目", "类", "阶段"):
        text = text.removesuffix(suffix)
    return text


def stage_of(value: Any) -> str | None:
    """项目性质 → a stage: 前期 signed, 新开工/续建 started, 竣工 completed, 投产 producing.
    None for words that are not a stage (新建, 扩建: a kind of construction)."""
    text = words_of(value)
    if text in STAGE_WORDS:
        return STAGE_WORDS[text]
    try:
        return read_code(text, "stage")
    except BoardError:
        pass
    for word in sorted(STAGE_WORDS, key=len, reverse=True):
        if word in text:
            return STAGE_WORDS[word]
    return None


def category_of(value: Any) -> str | None:
    """A category from board's words or a group row's words (一、招商引资项目 → investment)."""
    text = words_of(value)
    try:
        return read_code(text, "category")
    except BoardError:
        pass
    for code, words in CATEGORY_WORDS:
        if any(word in text for word in words):
            return code
    return None


def category_from_name(name: str) -> str:
    for code, words in NAME_HINTS:
        if any(word in name for word in words):
            return code
    return "investment"


def blocker_category(text: str) -> str:
    for code, words in BLOCKER_HINTS:
        if any(word in text for word in words):
            return code
    return "other"


DONE_WORDS = word_set("已完成 完成 已办结 办结 已销号 销号 完成销号 已落实 已解决 已完结 已结")
OPEN_WORDS = word_set("未完成 未启动 未开始 未办结 尚未启动 尚未完成 未落实 未开展 未动工")
DROPPED_WORDS = word_set("已撤销 撤销 取消 已取消 终止 已终止 不再推进 停止")
PROGRESS_WORDS = word_set(
    "推进中 正在推进 进行中 办理中 正在办理 持续推进 序时推进 按序时推进 正常推进 基本完成 "
    "部分完成 正在实施 实施中 加快推进 积极推进 有序推进"
)


@dataclass(frozen=True)
class Status:
    """完成情况 read: the status, the done day it names, and whether it said more than that."""

    code: str
    done_on: Day
    more: bool  # the text says more than a status word: kept in the note


def read_status(value: Any, years: Years) -> Status | None:
    """已完成 / 已完成（9月26日）/ 已办结 / 销号 → done; 推进中 / 正在推进 → in progress;
    未启动 / 未完成 → open; 撤销 → dropped; other text (已完成用地预审，正在办理规划) → in
    progress, its words kept in the note. Empty → None."""
    text = squeeze(normal(value))
    if not text:
        return None
    head = re.split(r"[(（,，;；。、:：\[【]", text, maxsplit=1)[0]
    rest = text[len(head) :].strip("()（）[]【】,，;；。、:：")
    day = Day(None)
    match = re.search(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}[日号]?|\d{1,2}月\d{1,2}[日号]?", text)
    if match:
        day = read_day(match[0], years, end=True)
    dated = match[0] if match is not None else None
    dated_only = dated is not None and rest in (dated, dated + "完成", "于" + dated + "完成")
    if re.fullmatch(r"已于?.*(完成|办结|销号)", head):
        return Status("done", day, False)
    for words, code in ((DONE_WORDS, "done"), (OPEN_WORDS, "open"), (DROPPED_WORDS, "dropped")):
        if head in words:
            return Status(code, day if code == "done" else Day(None), bool(rest) and not dated_only)
    if head in PROGRESS_WORDS:
        return Status("in_progress", Day(None), bool(rest))
    try:
        return Status(read_code(head, "status"), day, bool(rest) and not dated_only)
    except BoardError:
        pass
    if head.startswith(("未", "尚未")):
        return Status("open", Day(None), True)
    return Status("in_progress", Day(None), True)
