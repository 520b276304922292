"""A ledger's units (责任单位, 表态单位) as board's departments.

A unit is found by the write layer's own rule (`writer.resolve_department`: full name, short
name, a unique part of a name), tried on the name as written, then on it without its bracketed
part and on the bracketed part ("土地局（自然资源分局）" → 土地局), then on a stored name it
contains ("开发区土地局" → 土地局). "招商局、环保局" is led by the first; the others are
returned for the caller to name in a note. A unit board does not know is refused with its
near misses, unless --create-departments: then it is added (kind guessed from its last word:
村 行政村, 公司/厂 企业, 部/中心/办 工作部门, else 委办局), speaking last, and said so.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from board.errors import BoardError
from board.exchange.ledger.matching import name_key
from board.exchange.planner import Pending, Ref, RowPlan
from board.exchange.sheets import DEPARTMENTS
from board.store import writer as w

SEPARATORS = re.compile(r"\s*(?:[、，,;；/／\n]|\s{2,})\s*")
ROLE = re.compile(r"^(?:牵头|主办|主责|责任|配合|协办|协助)(?:单位)?[:：]\s*")
PREFIXES = ("开发区", "经开区", "高新区", "园区", "管委会", "区")


@dataclass
class Unknown:
    """A unit board does not know: the rows naming it, and stored names close to it."""

    name: str
    sheet: str
    rows: list[int] = field(default_factory=list)
    near: list[str] = field(default_factory=list)


def split_units(text: str) -> list[str]:
    """"招商局、环保局" → [招商局, 环保局]; roles (牵头：, 配合：) and a trailing 等 dropped."""
    parts = [ROLE.sub("", p).removesuffix("等").strip() for p in SEPARATORS.split(text.strip())]
    return [p for p in parts if p]


def guess_kind(name: str) -> str:
    if re.search(r"(村|社区|居委会|村委会)$", name):
        return "village"
    if re.search(r"(公司|集团|厂|企业|有限)", name):
        return "enterprise"
    if re.search(r"(部|中心|办公室|办|处|科|组)$", name):
        return "office"
    return "bureau"


def forms(name: str) -> list[str]:
    """The ways a ledger's unit name may be board's: as written, without its bracketed part,
    the bracketed part, and without a zone prefix (开发区…)."""
    out = [name]
    outside = re.sub(r"[(（【\[].*?[)）】\]]", "", name).strip()
    inside = re.findall(r"[(（【\[](.*?)[)）】\]]", name)
    out.append(outside)
    out += [part for part in inside if len(part) >= 2]
    out += [outside.removeprefix(p) for p in PREFIXES if outside.startswith(p)]
    return list(dict.fromkeys(f for f in out if f))


class Units:
    """Resolves, and with `create` plans, the departments a ledger names."""

    def __init__(self, conn: Connection, create: bool) -> None:
        self.conn = conn
        self.create = create
        table = w.departments
        rows = conn.execute(
            select(table.c.id, table.c.name, table.c.short_name, table.c.sort_order)
        ).all()
        self.names: dict[int, str] = {int(r.id): str(r.name) for r in rows}
        self.shorts: dict[str, str] = {str(r.short_name): str(r.name) for r in rows if r.short_name}
        self.next_order = max((r.sort_order or 0 for r in rows), default=0) + 10
        self.found: dict[str, Ref | None] = {}
        self.added: dict[str, RowPlan] = {}  # by name_key
        self.unknown: dict[str, Unknown] = {}
        self.sheet = ""  # the sheet being read, for the refusal

    def resolve(self, text: str, row: int) -> tuple[Ref | None, list[str]]:
        """The lead unit of a cell and the other units it names; None when it is unknown
        (recorded in `unknown` for the refusal)."""
        parts = split_units(text)
        if not parts:
            return None, []
        return self.one(parts[0], row), parts[1:]

    def one(self, name: str, row: int) -> Ref | None:
        key = name_key(name)
        if key in self.found and self.found[key] is not None:
            return self.found[key]
        ref: Ref | None = self.stored(name)
        if ref is None and key in self.added:
            ref = self.added[key].pending
        if ref is None and self.create:
            ref = self.add(name, row)
        if ref is None:
            unknown = self.unknown.setdefault(key, Unknown(name, self.sheet, near=self.near(name)))
            unknown.rows.append(row)
        self.found[key] = ref
        return ref

    def stored(self, name: str) -> int | None:
        for form in forms(name):
            try:
                return int(w.resolve_department(self.conn, form)[0])
            except BoardError:
                continue
        within = [(len(n), i) for i, n in self.names.items() if len(n) >= 2 and n in name]
        if within:
            longest = max(within)
            if sum(1 for size, _i in within if size == longest[0]) == 1:
                return longest[1]
        return None

    def near(self, name: str) -> list[str]:
        """Stored names a typo away (祝庄村 → 祝庄子村), for the refusal."""
        pool = list(self.names.values()) + list(self.shorts)
        close = difflib.get_close_matches(name, pool, n=3, cutoff=0.5)
        return list(dict.fromkeys(self.shorts.get(c, c) for c in close))

    def add(self, name: str, row: int) -> Pending:
        plan = RowPlan(
            DEPARTMENTS,
            row,
            "added",
            None,
            {"name": name, "kind": guess_kind(name), "sort_order": self.next_order},
            Pending(DEPARTMENTS, row),
        )
        self.next_order += 10
        self.added[name_key(name)] = plan
        assert plan.pending is not None
        return plan.pending

    def name_of(self, ref: Ref | None) -> str:
        if isinstance(ref, int):
            return self.names.get(ref, f"#{ref}")
        for plan in self.added.values():
            if plan.pending is ref:
                return str(plan.values["name"])
        return "—"
