"""How a ledger row finds its stored row, never by guessing an id.

序号 is a row number, never an id. A project is found by its code when the ledger has a code
column, else by its name normalised (`name_key`: marks such as ★, spaces, line breaks and
bracket characters ignored, full and half width alike, so "★华泰重工农机装备生产基地(一期)"
is "华泰重工农机装备生产基地（一期）"). A pledge is found by its unit and its content, normalised
the same way. A project that is new gets the next code in the zone's own pattern (KF-25 →
KF-26; TZ-001 when the zone has none): the second import of the same ledger finds it by name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from board.exchange.cells import normal
from board.exchange.ledger.rows import Skipped
from board.i18n import t

if TYPE_CHECKING:
    from board.exchange.ledger.plan import Cells, Ledger

MARKS = "★☆▲△◆◇●○■□※√✓✔*＊#＃"
BRACKETS = "()（）[]［］【】《》<>〈〉「」『』“”\"'‘’"
IGNORED = str.maketrans("", "", MARKS + BRACKETS)
DEFAULT_PREFIX, DEFAULT_WIDTH = "TZ-", 3


def clean_name(value: Any) -> tuple[str, str]:
    """A name as board stores it (wrapped lines joined, marks at either end dropped), and the
    marks it carried (★, ▲…), which board keeps no column for."""
    text = re.sub(r"\s*\n\s*", "", normal(value)).strip()
    marks = "".join(c for c in text if c in MARKS)
    return text.strip(MARKS + " \u3000"), marks


def name_key(text: Any) -> str:
    """The text two names are compared by: marks, spaces and brackets ignored."""
    out = unicodedata.normalize("NFKC", normal(text))
    return re.sub(r"\s+", "", out).translate(IGNORED).casefold()


def content_key(text: Any) -> str:
    """A pledge's or a blocker's text as compared: also without its closing punctuation."""
    return name_key(text).rstrip("。.;；,，、!！")


def similar(key: str, others: Iterable[tuple[str, Any]], cutoff: float = 0.8) -> list[Any]:
    """Stored rows whose key is close to `key` (a near miss worth showing, never a match).
    Keys differing only in their digits (一期 / 二期, 1号 / 2号) are different rows, not near."""
    found = []
    matcher = difflib.SequenceMatcher(None, "", key)  # seq2 is cached: set once, compare many
    bare = re.sub(r"[\d一二三四五六七八九十]", "", key)
    for other, row in others:
        if other == key or re.sub(r"[\d一二三四五六七八九十]", "", other) == bare:
            continue
        matcher.set_seq1(other)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and (
            matcher.ratio() >= cutoff
        ):
            found.append(row)
    return found


class Codes:
    """New project codes in the zone's pattern: the commonest prefix of its codes, the next
    number after its highest, as wide as its codes are (KF-01…KF-25 → KF-26)."""

    def __init__(self, stored: Iterable[str]) -> None:
        parts = [m.groups() for c in stored if (m := re.fullmatch(r"(.*?)(\d+)", c.strip()))]
        if parts:
            prefix = Counter(p for p, _n in parts).most_common(1)[0][0]
            numbers = [n for p, n in parts if p == prefix]
            self.prefix = prefix
            self.width = max(len(n) for n in numbers)
            self.next = max(int(n) for n in numbers) + 1
        else:
            self.prefix, self.width, self.next = DEFAULT_PREFIX, DEFAULT_WIDTH, 1

    def take(self, taken: set[str]) -> str:
        while True:
            code = f"{self.prefix}{self.next:0{self.width}d}"
            self.next += 1
            if code not in taken:
                taken.add(code)
                return code


def repeated(ledger: Ledger, cells: Cells, kind: str, mark: Any) -> bool:
    """Whether this row's key was read before: a row the same cell for cell (序号 aside) is
    skipped as a repeat; a different row with the same key is refused."""
    seq = cells.column("seq")
    signature = tuple(
        normal(v) for i, v in enumerate(cells.row.cells) if seq is None or i != seq.index
    )
    seen = ledger.seen.setdefault(kind, {})
    if mark not in seen:
        seen[mark] = cells.row.number
        ledger.signatures[(kind, mark)] = signature
        return False
    if ledger.signatures.get((kind, mark)) == signature:
        skipped = Skipped(cells.row.number, "duplicate", str(seen[mark]))
        cells.report.rows.skipped.append(skipped)
    else:
        what = "content" if kind == "pledges" else ("code" if cells.text("code") else "name")
        reason = "import.same_row" if kind == "pledges" else "ledger.same_project"
        cells.problem(what, t(reason, other=seen[mark]))
    return True
