"""Office ledgers built the way county and city offices keep them, for the ledger tests.

One description of a sheet (its rows and merged ranges, as Excel shows them) is written as
.xlsx (openpyxl), legacy .xls (xlwt), .ods (odfpy) or CSV as Excel saves it (GBK by default:
a merged range keeps its value in its first cell only, a formula keeps nothing since no file
written here holds a computed value).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import range_boundaries


@dataclass
class Spec:
    """A sheet: rows from row 1, merged ranges in Excel's notation (A1:N1)."""

    name: str
    rows: list[list[Any]]
    merges: list[str] = field(default_factory=list)
    hidden: bool = False

    def bounds(self) -> list[tuple[int, int, int, int]]:
        """Merged ranges as (first row, first column, last row, last column), 0-based."""
        out = []
        for merge in self.merges:
            left, top, right, bottom = range_boundaries(merge)
            out.append((top - 1, left - 1, bottom - 1, right - 1))
        return out


def write_xlsx(path: Path, *specs: Spec) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for spec in specs:
        ws = book.create_sheet(spec.name)
        for row in spec.rows:
            ws.append(row)
        for merge in spec.merges:
            ws.merge_cells(merge)
        if spec.hidden:
            ws.sheet_state = "hidden"
    book.save(path)
    return path


def write_xls(path: Path, *specs: Spec) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    day = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for spec in specs:
        ws = book.add_sheet(spec.name)
        covered = set()
        for top, left, bottom, right in spec.bounds():
            value = spec.rows[top][left] if left < len(spec.rows[top]) else None
            ws.write_merge(top, bottom, left, right, xls_value(value))
            covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
        for r, row in enumerate(spec.rows):
            for c, value in enumerate(row):
                if (r, c) in covered or value is None:
                    continue
                if isinstance(value, date | datetime):
                    ws.write(r, c, value, day)
                else:
                    ws.write(r, c, xls_value(value))
    book.save(str(path))
    return path


def xls_value(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):
        import xlwt

        return xlwt.Formula(value[1:])
    return value


def write_ods(path: Path, *specs: Spec) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for spec in specs:
        table = Table(name=spec.name)
        spans = {(t, lft): (b - t + 1, r - lft + 1) for t, lft, b, r in spec.bounds()}
        covered = {
            (row, col)
            for t, lft, b, r in spec.bounds()
            for row in range(t, b + 1)
            for col in range(lft, r + 1)
            if (row, col) != (t, lft)
        }
        width = max(len(r) for r in spec.rows)
        for r, values in enumerate(spec.rows):
            row = TableRow()
            for c in range(width):
                value = values[c] if c < len(values) else None
                if (r, c) in covered:
                    row.addElement(CoveredTableCell())
                    continue
                extra: dict[str, Any] = {}
                if (r, c) in spans:
                    extra = {
                        "numberrowsspanned": spans[r, c][0],
                        "numbercolumnsspanned": spans[r, c][1],
                    }
                if isinstance(value, bool) or value is None:
                    cell = TableCell(**extra)
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value, **extra)
                elif isinstance(value, date | datetime):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat()[:10], **extra)
                elif isinstance(value, str) and value.startswith("="):
                    cell = TableCell(**extra)  # no cached value, like a file never recalculated
                else:
                    cell = TableCell(valuetype="string", **extra)
                if value is not None and not (isinstance(value, str) and value.startswith("=")):
                    cell.addElement(
                        P(
                            text=str(
                                value.isoformat()[:10]
                                if isinstance(value, date | datetime)
                                else value
                            )
                        )
                    )
                row.addElement(cell)
            table.addElement(row)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def write_csv(path: Path, spec: Spec, encoding: str = "gbk") -> Path:
    """The sheet as Excel's "CSV" saves it: a merged range's value in its first cell only,
    numbers as shown, dates as 2023/3/15."""
    covered = {
        (row, col)
        for t, lft, b, r in spec.bounds()
        for row in range(t, b + 1)
        for col in range(lft, r + 1)
        if (row, col) != (t, lft)
    }
    width = max(len(r) for r in spec.rows)
    with path.open("w", encoding=encoding, newline="") as handle:
        out = csv.writer(handle)
        for r, values in enumerate(spec.rows):
            line = []
            for c in range(width):
                value = values[c] if c < len(values) else None
                if (
                    (r, c) in covered
                    or value is None
                    or (isinstance(value, str) and value.startswith("="))
                ):
                    line.append("")
                elif isinstance(value, date | datetime):
                    line.append(f"{value.year}/{value.month}/{value.day}")
                else:
                    line.append(str(value))
            out.writerow(line)
    return path


# The ledgers ------------------------------------------------------------------------------------

PROJECT_HEADER = [
    "序号", "项目名称", "建设地点", "建设内容及规模", "总投资\n（亿元）", "2023年投资情况",
    None, None, "项目进展情况", "开工\n时间", "竣工时间", "责任单位", "包保领导", "项目性质",
    "存在问题", "备注",
]  # fmt: skip


def project_ledger(month: int = 8, name: str = "7月") -> Spec:
    """A 重点项目推进台账 with every quirk of the issue; `month` 9 is next month's edition
    (1-9月, progress moved on, one new project, a 前期 project started)."""
    later = month > 8
    rows: list[list[Any]] = [
        ["2023年清河经济技术开发区重点项目推进情况表"],
        [
            "单位：万元",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "填报单位：清河经济技术开发区管委会（盖章）",
        ],
        PROJECT_HEADER,
        [None, None, None, None, None, "计划投资", f"1-{month}月完成投资", "占年计划%"],
        ["一、招商引资项目（3项）"],
        [
            1,
            "★鼎晟精密铸造项目",
            "纬二路以南",
            "年产5万吨精密铸件",
            "5.4583",
            "12,000.00",
            "9,500.00" if later else "8,000.00",
            "=G6/F6",
            f"主体封顶，完成形象进度{70 if later else 65}%",
            datetime(2023, 3, 15),
            "2024.6",
            "招商局、环保局",
            "张副主任",
            "续建",
            "用地指标未落实",
            "省重点",
        ],
        [
            "2",
            "华泰重工农机装备生产基地(一期)",
            "经五路",
            "农机装备",
            3.2,
            "6,000",
            2500,
            None,
            "钢结构安装",
            45200,
            "2023年12月",
            "土地局（自然资源分局）",
            "王副主任",
            "新开工",
            "无",
            None,
        ],
        [
            "3●",
            "新材料产业园新项目",
            "北区",
            "新材料",
            "1.5亿",
            3000,
            0,
            None,
            "前期手续办理中",
            "待定",
            "待定",
            "商务局",
            None,
            "新开工" if later else "前期",
            None,
            None,
        ],
        [],
        ["二、技改项目（2项）"],
        [
            1.0,
            "凯达机械搬迁扩能技改项目",
            "经八路",
            None,
            0.8,
            4000,
            3100,
            None,
            "设备安装 80%",
            "2023.9",
            "年底前",
            "规划建设局",
            None,
            "续建",
            "1.电力增容未批复；2.施工许可待办",
            None,
        ],
        [
            2,
            "新建技改项目乙",
            "经八路",
            None,
            0.3,
            1000,
            200,
            None,
            "基础施工",
            "2023.10",
            "2024年3月底",
            None,
            None,
            "新开工",
            None,
            None,
        ],
        ["小计", None, None, None, "=SUM(E11:E12)"],
        ["合  计", None, None, None, "=SUM(E6:E12)", "=SUM(F6:F12)"],
        ["填表人：张三        审核人：李四"],
        ["备注：标★的为省重点项目"],
    ]
    merges = ["A1:P1", "A5:P5", "A10:P10", "F3:H3", "L11:L12"]
    merges += [f"{c}3:{c}4" for c in "ABCDEIJKLMNOP"]
    if later:
        rows.insert(12, [3, "新增项目丙", "南区", None, 0.5, 500, 100, None, "开工准备", "2023.9",
                         "2024.9", "规划建设局", None, "新开工", None, None])  # fmt: skip
    return Spec(name, rows, merges)


def pledge_list(name: str = "Sheet1") -> Spec:
    """A 表态事项督办清单: the year only in its title, units merged down, two units in a cell,
    a bracketed parent, a unit board does not know (祝庄村), deadlines and statuses in words."""
    rows: list[list[Any]] = [
        ["清河经济技术开发区项目建设调度会表态事项督办清单"],
        ["（截至2023年9月26日）"],
        ["序号", "责任单位", "表态事项", "涉及项目", "完成时限", "完成情况", "备注"],
        [
            1,
            "招商局",
            "完成鼎晟精密铸造项目二期签约",
            "鼎晟精密铸造项目",
            "9月30日前",
            "已完成（9月26日）",
            None,
        ],
        [2, None, "引进2个亿元以上项目", None, "年底前", "正在推进", None],
        [
            3,
            "土地局（自然资源分局）",
            "完成华泰重工用地组卷报批",
            "华泰重工农机装备生产基地（一期）",
            "10月中旬",
            "推进中",
            "已报市局",
        ],
        [4, "招商局、环保局", "完成新材料产业园环评批复", None, "10月底", "未启动", None],
        [5, "农工部、祝庄子村", "完成北区征地补偿款发放", None, "长期", "已办结", None],
        [6, "祝庄村", "清理施工道路障碍", None, "2023.10", "销号", None],
        ["填表人：王五"],
    ]
    return Spec(name, rows, ["A1:G1", "A2:G2", "B4:B5"])
