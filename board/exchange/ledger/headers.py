"""The header synonym dictionary: which board field a ledger's column feeds, and in what unit.

A ledger header is read after `header_text`: NFKC (full-width brackets and digits to half
width), no spaces or line breaks ("总投资\\n（万元）" → "总投资(万元)"), one kind of dash. Its unit
("(万元)", "(亿元)", "(%)") is taken off and kept. A header of several rows is one name per column
("2023年投资情况/1-8月完成投资"): the whole name is tried first, then its last part.

FIELDS lists, per kind of ledger, each field with the header patterns that mean it, in order
(the first field whose pattern matches the whole name wins). docs/excel.md shows the same
dictionary to users; a --map file overrides it column by column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["projects", "pledges"]
KINDS: tuple[Kind, ...] = ("projects", "pledges")
MONEY_FACTORS = {"亿元": 10000.0, "亿": 10000.0, "万元": 1.0, "万": 1.0, "元": 0.0001}
DASHES = str.maketrans("—–－~～〜", "------")
SPAN_WORD = re.compile(r"(?<=\d)[至到](?=\d)")  # 1至8月, not 年初至今
UNIT_RE = re.compile(r"[(\[]?(?:单位[:：]?)?(亿元|万元|亿|万|元|%)[)\]]?$")


@dataclass(frozen=True)
class Field:
    """A board field a ledger column can feed; `stored` False: known, but board keeps no copy."""

    key: str
    patterns: tuple[str, ...]
    money: bool = False
    stored: bool = True


def f(key: str, patterns: str, *, money: bool = False, stored: bool = True) -> Field:
    """A field and its header patterns, written one regex per word (space separated)."""
    return Field(key, tuple(patterns.split()), money, stored)


SEQ = f("seq", r"序号 序 行号 项目序号 no\.? # 编号 顺序号")
FIELDS: dict[Kind, tuple[Field, ...]] = {
    "projects": (
        SEQ,
        f("code", r"项目(编号|代码|编码|代号) 代码 编码 项目库编号"),
        f("name", r"(建设)?项目(名称|名)? 名称 工程(项目)?名称 项目及建设单位"),
        f("category", r"(项目)?(类别|分类) 项目类型 产业(类别|类型|分类) 类型"),
        f("stage", r"(项目|建设)?性质 (项目|建设|推进)?阶段 (项目|建设)状态 项目属性"),
        f("location", r"(建设|项目)?(地点|地址|位置|选址) (项目)?所在(地|位置|园区|区域|乡镇) "
                      r"坐落位置?"),
        f("owner", r"(项目)?(建设|业主|项目|投资)(单位|主体|企业|方) 项目业主 业主 企业(名称)? "
                   r"投资方 建设业主"),
        f("scope", r"(主要)?建设(内容|规模).* .*主要建设内容.* 项目(内容|概况|简介)",
         stored=False),
        f("total_investment",
         r"(计划|项目|概算|预计|估算)?总投资(额|规模)? 投资总额 总投资(计划)?", money=True),
        f("year_done_investment",
         r"(\d{4}年)?1-\d{1,2}月(份)?(累计)?(实际)?完成(投资)?(额)? "
         r"(\d{4}年)?1-\d{1,2}月(份)?(累计)?投资(完成)?(额)? 年初至今(累计)?(完成)?(投资)?(额)? "
         r"(本年|年度|今年|当年|\d{4}年)?(累计)?(实际)?完成投资(额)? 累计完成(投资)?(额)? "
         r"截至\d{1,2}月(底|末)?(累计)?完成(投资)?(额)? 已完成投资(额)? "
         r".*投资.*/(1-\d{1,2}月(份)?|累计|年初至今|截至\d{1,2}月(底|末)?)?(累计)?(实际)?完成(投资)?(额)?",
         money=True),
        f("year_plan_investment",
         r"(\d{4}年度?|年度|本年度?|今年|当年)计划(完成)?投资(额)? "
         r"(\d{4}年度?|年度|本年度?|今年|当年)投资计划 年计划投资(额)? 年度计划 "
         r".*投资.*/(年度)?计划(完成)?投资(额)? .*投资.*/(年度)?计划 计划投资(额)? "
         r"(\d{4}年度?|年度|本年度?)(计划)?投资目标", money=True),
        f("computed", r".*占.*计划.* .*完成率 .*(比例|比重|百分比) 占比", stored=False),
        f("progress_text", r"(工程|项目)?形象进度(情况)? 当前形象进度"),
        f("progress", r"(工程|完成|项目|总体)?进度\(?%\)? 完成(比例|百分比)"),
        f("progress_note",
         r"(项目|工程|建设)?(进展|进度|推进)(情况|状况)? 目前进展(情况)? 当前进度 "
         r"(截至\d{1,2}月(底|末)?)?(项目)?(进展|推进|建设)情况 .*进展情况"),
        f("lead", r".*(责任|牵头|主责|主办|承办|包保|服务|包联|负责|帮办)(单位|部门|科室).*"),
        f("responsible", r"(项目)?(负责人|责任人) (具体|项目)负责人 责任人(及电话)? 联系人"),
        f("leader",
          r"(包保|挂点|挂钩|分管|包联|包抓|联系|责任|牵头|帮办)(县|区|市|园区)?(级)?领导"),
        f("started_on", r"实际开工(时间|日期)"),
        f("planned_start_on", r"(计划|拟|预计)?开工(时间|日期|年月)? 计划开工"),
        f("planned_complete_on",
         r"(计划|拟|预计)?(竣工|完工|建成)(投产)?(时间|日期|年月)? 计划竣工"),
        f("period", r"建设(起止)?(年限|期限|周期|工期|年度|时间) 起止(年限|时间|日期|年月) 工期 "
                    r"开竣工(时间|日期|年限)"),
        f("blocker",
         r"(存在|主要|面临)(的)?(困难|问题)((和|及|与|、)(困难|问题|建议))? "
         r".*(协调|解决).*(问题|事项|困难) "
         r"(存在|主要|需协调|需要协调|需协调解决|亟待解决|需解决|需要解决)(的)?(问题|困难)"
         r"((及|和|与)(建议|措施|需协调事项|下步打算))? 困难(和|及|与)问题 问题(及|和|与)建议 "
         r"需协调(解决)?(的)?(事项|问题) 存在问题(及需协调事项)? 问题"),
        f("milestones",
         r"(关键|主要|重要)?(时间)?节点(安排|计划|目标|任务)? "
         r"(年度)?(推进|建设|工作)(计划|节点)安排 (推进|建设|进度)(计划|安排) "
         r"(\d{4}年)?(关键|主要)?节点(目标|安排)?"),
        f("remark", r"备注 说明 备注说明", stored=False),
    ),
    "pledges": (
        SEQ,
        f("content",
         r".*(表态|承诺|督办|交办).*(事项|内容|任务) "
         r"(表态|承诺|督办|工作|重点)?(事项|任务)(内容)? 表态(发言)?(内容|事项) 承诺(事项|内容) "
         r"具体(事项|措施|任务) 任务(内容|事项) 工作(任务|措施|内容) 督办(事项|内容) 内容"),
        f("co_department", r"(配合|协办|协助)(单位|部门)"),
        f("department", r".*(单位|部门)(名称)? 责任单位(及责任人)?"),
        f("project", r"(所属|涉及|相关|对应)?项目(名称|编号|代码)?"),
        f("done_on", r"(实际完成|办结|销号)(日期|时间) 完成日期"),
        f("due_on", r"(完成|办结|落实|办理)?(时限|期限|时间节点) (计划)?完成时间 截止(时间|日期) "
                   r"时限要求 完成时限(要求)?"),
        f("status",
         r"(完成|办理|落实|办结|推进|进展|督办)(情况|状态|进度) 状态 进展 目前进展(情况)?"),
        f("leader", r"(包保|督办|分管|牵头|责任|联系)领导", stored=False),
        f("responsible", r"(具体)?(责任人|负责人|联系人)(及电话)?", stored=False),
        f("note", r"备注 说明 备注说明"),
    ),
}
KEY_FIELD: dict[Kind, str] = {"projects": "name", "pledges": "content"}
# Fields that count towards "this row is a header" (序号 and 备注 are in every table).
WEAK = frozenset({"seq", "remark", "note", "computed"})


def header_text(text: str) -> str:
    """A header as matched: NFKC, no whitespace, one dash, ASCII brackets, lower case."""
    out = unicodedata.normalize("NFKC", text)
    out = SPAN_WORD.sub("-", re.sub(r"\s+", "", out).translate(DASHES))
    return out.replace("【", "(").replace("】", ")").strip(":：*★").casefold()


def display(text: str) -> str:
    """A header as shown to the user: line breaks and padding gone, brackets as typed."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Match:
    """What a header means: its field (None: board has no use for it) and its unit."""

    field: str | None
    unit: str | None = None  # 万元, 亿元, 元, %: from the header or the sheet's 单位 row


def split_unit(name: str) -> tuple[str, str | None]:
    """"总投资(亿元)" → ("总投资", "亿元"); a unit in any part of a multi-row name counts."""
    unit = None
    parts = []
    for part in name.split("/"):
        found = UNIT_RE.search(part)
        if found and (found.start() > 0 or part == found[0]):
            unit = found[1]
            part = part[: found.start()]
        parts.append(part)
    return "/".join(p for p in parts if p), unit


def candidates(name: str) -> list[str]:
    """The whole name, then its last part (2023年投资情况/计划投资 → 计划投资), then both
    without a bracketed remark (责任单位(部门) → 责任单位)."""
    out = [name]
    if "/" in name:
        out.append(name.rsplit("/", 1)[1])
    out += [re.sub(r"\(.*?\)", "", c) for c in out if "(" in c]
    return list(dict.fromkeys(c for c in out if c))


def match_header(text: str, kind: Kind) -> Match:
    """The field a ledger header feeds in a ledger of `kind`, by the dictionary."""
    name, unit = split_unit(header_text(text))
    if not name:
        return Match(None, unit)
    if unit == "%" and not any(w in name for w in ("进度", "进展")):
        return Match("computed", unit)  # 占年计划%, 完成年度计划%: a ratio of two other columns
    for candidate in candidates(name):
        for item in FIELDS[kind]:
            if any(re.fullmatch(p, candidate) for p in item.patterns):
                key = item.key
                if key in ("progress_text", "progress"):  # a number only under a % header
                    key = "progress" if unit == "%" else "progress_text"
                return Match(key, unit)
    return Match(None, unit)


def field_of(key: str, kind: Kind) -> Field | None:
    return next((f for f in FIELDS[kind] if f.key == key), None)


def field_keys(kind: Kind) -> tuple[str, ...]:
    return tuple(f.key for f in FIELDS[kind])


def money_factor(unit: str | None, default: str | None) -> float:
    return MONEY_FACTORS.get(unit or default or "万元", 1.0)


def ledger_knows(text: str) -> bool:
    """Whether a header means something to a ledger of either kind (序号 does: a row number)."""
    return any(match_header(text, kind).field is not None for kind in KINDS)
