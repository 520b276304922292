"""Rows of cells in aligned columns, measured in terminal cells, at the width they are drawn.

A Rich `Table` with a ratio column folded dates and day phrases into 4-cell stubs at 80
columns (`还剩  小王   北区供水管网及加压泵…`): it shares the width out before it knows which
cells must stay whole. Here every column says what it is: a `keep` column (a light, a date,
a number, a day phrase) always gets its widest cell, whole; the other columns share what is
left, down to a floor, and the last may wrap onto more lines under itself (a pledge's
content on a detail page is read in full). A CJK character is two cells, as Rich draws it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

GAP = 2  # cells between two columns
ELLIPSIS = "…"
WRAP_KEEPS = 24  # cells a wrapping last column keeps before the columns beside it give way


@dataclass(frozen=True)
class Column:
    """How one column gives way when the width is short."""

    keep: bool = False  # never cut: its widest cell decides its width
    floor: int = 6  # a column that gives way keeps at least this many cells
    most: int | None = None  # and takes at most this many, even when there is room
    wrap: bool = False  # the last column only: continue on more lines instead of cutting
    drop: bool = False  # left out when even the floors do not fit (a redundant column)
    least: int = 0  # a keep column is at least this wide (aligned with lists beside it)


KEEP = Column(keep=True)


@cache
def wrap_console() -> Console:
    """A console for `Text.wrap` only (it needs one; nothing is printed)."""
    return Console(file=io.StringIO(), width=400, color_system=None, legacy_windows=False)


def widths(
    rows: Sequence[Sequence[Text]], columns: Sequence[Column], width: int
) -> list[int | None]:
    """Each column's cells at `width` (None: dropped). Keep columns get their widest cell; the
    others their widest cell capped by `most`, shrunk toward `floor` in proportion when the
    row is too wide; the last column gets whatever is left."""
    natural = [
        max(max((row[i].cell_len for row in rows), default=0), columns[i].least)
        for i in range(len(columns))
    ]
    shown = list(range(len(columns)))
    while True:
        out = _share(natural, columns, shown, width)
        if out is not None:
            return out
        droppable = [i for i in shown if columns[i].drop]
        if not droppable:
            fallback = _share(natural, columns, shown, width, force=True)
            assert fallback is not None
            return fallback
        shown.remove(droppable[-1])


def _share(
    natural: list[int],
    columns: Sequence[Column],
    shown: list[int],
    width: int,
    force: bool = False,
) -> list[int | None] | None:
    available = width - GAP * (len(shown) - 1)
    out: list[int | None] = [None] * len(columns)
    flexible: list[int] = []
    used = 0
    for i in shown:
        column = columns[i]
        if column.keep:
            out[i] = natural[i]
            used += natural[i]
        else:
            flexible.append(i)
    want = {i: min(natural[i], columns[i].most or natural[i]) for i in flexible}
    floor = {i: min(columns[i].floor, want[i]) for i in flexible}
    if used + sum(want.values()) <= available:
        for i in flexible:
            out[i] = want[i]
        return out
    if flexible and columns[flexible[-1]].wrap:
        # Text that wraps loses nothing by being narrower: the columns before it stay whole
        # while it keeps a readable width.
        last = flexible[-1]
        others = sum(want[i] for i in flexible[:-1])
        if available - used - others >= max(floor[last], min(want[last], WRAP_KEEPS)):
            for i in flexible[:-1]:
                out[i] = want[i]
            out[last] = available - used - others
            return out
    slack = available - used - sum(floor.values())
    if slack < 0 and not force:
        return None
    slack = max(0, slack)
    need = sum(want[i] - floor[i] for i in flexible) or 1
    given = 0
    for i in flexible:
        share = floor[i] + (want[i] - floor[i]) * slack // need
        out[i] = share
        given += share - floor[i]
    if flexible:  # cells lost to rounding go to the last flexible column (the content)
        last = flexible[-1]
        out[last] = (out[last] or 0) + slack - given
    return out


# Chinese line breaking (避头尾): no line starts with a closing mark, none ends with an opening one.
CLOSING = frozenset("，。、；：？！）》」』】〕…%,.;:?!)")
OPENING = frozenset("（《「『【〔(")
TOKENS = re.compile(r"[!-~]+\s*|\S\s*|\s+")  # a Latin word, or any one other character


def wrapped(cell: Text, width: int) -> list[Text]:
    """`cell` in lines of at most `width` cells: words of Latin letters kept whole where they
    fit, CJK broken between any two characters, but never a line opening with ，or ） nor
    one ending with （ (the break moves one character back)."""
    plain = cell.plain
    cuts: list[int] = []
    used = 0

    def cut_at(at: int) -> int:
        """Break before `at` (or one character sooner, for the marks); the cells carried."""
        previous = cuts[-1] if cuts else 0
        if at - 1 > previous and (plain[at] in CLOSING or plain[at - 1] in OPENING):
            at -= 1
        cuts.append(at)
        return cell_len(plain[at:index])

    for match in TOKENS.finditer(plain):
        token, start = match.group(), match.start()
        index = start
        if used and used + cell_len(token.rstrip()) > width:
            used = cut_at(start)
        for n, char in enumerate(token):  # a token wider than a line is folded
            index = start + n
            size = cell_len(char)
            if used + size > width and not char.isspace():
                used = cut_at(index)
            used += size
    adjusted = sorted(set(cuts))
    pieces = list(cell.divide(adjusted))
    for piece in pieces:
        piece.rstrip()
    return pieces


def _fitted(cell: Text, width: int, last: bool) -> Text:
    text = cell.copy()
    text.no_wrap = True
    if text.cell_len > width:
        kept, used = 0, 0
        for char in text.plain:  # whole characters only: a CJK one is two cells
            if used + cell_len(char) > width - 1:
                break
            used += cell_len(char)
            kept += 1
        style = text.get_style_at_offset(wrap_console(), kept - 1) if kept else ""
        text = text[:kept] if kept else Text(no_wrap=True)
        text.append(ELLIPSIS, style=style)
    if not last:
        text.append(" " * (width - text.cell_len))
    return text


def lay_out(
    rows: Sequence[Sequence[Text]],
    columns: Sequence[Column],
    width: int,
    header: Sequence[Text] | None = None,
    max_lines: int = 4,
) -> tuple[Text | None, list[Text]]:
    """The header line (if any) and one Text per row (with newlines when its last column
    wrapped, continuing under that column), every column starting at the same cell."""
    measured = [*rows, header] if header is not None else list(rows)
    sizes = widths(measured, columns, width)
    shown = [i for i, size in enumerate(sizes) if size is not None]

    def line(row: Sequence[Text]) -> Text:
        out = Text(no_wrap=True)
        start = 0
        for n, i in enumerate(shown):
            size = sizes[i] or 0
            last = n == len(shown) - 1
            if n:
                out.append(" " * GAP)
                start += GAP
            if last and columns[i].wrap and row[i].cell_len > size > 0:
                pieces = wrapped(row[i], size)
                if len(pieces) > max_lines:
                    kept = pieces[max_lines - 1].copy()
                    kept.append("…")
                    pieces = [*pieces[: max_lines - 1], _fitted(kept, size, True)]
                for k, piece in enumerate(pieces):
                    if k:
                        out.append("\n" + " " * start)
                    piece.rstrip()
                    out.append_text(piece)
            else:
                out.append_text(_fitted(row[i], size, last))
            start += size
        out.rstrip()
        return out

    head = line(header) if header is not None else None
    return head, [line(row) for row in rows]


class AlignedRows:
    """A renderable: `rows` laid out by `lay_out` at the width Rich offers."""

    def __init__(
        self,
        rows: Sequence[Sequence[Text]],
        columns: Sequence[Column],
        header: Sequence[Text] | None = None,
    ) -> None:
        self.rows = rows
        self.columns = columns
        self.header = header
        # Textual renders a Static to measure its height and again to draw it: laid out once
        # per width.
        self._laid: dict[int, tuple[Text | None, list[Text]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        laid = self._laid.get(options.max_width)
        if laid is None:
            laid = lay_out(self.rows, self.columns, options.max_width, self.header)
            self._laid[options.max_width] = laid
        head, lines = laid[0].copy() if laid[0] is not None else None, laid[1]
        if head is not None:
            head.stylize("dim")
            yield head
        yield from lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)


class Flow:
    """Items left to right, wrapped between items only (never inside one: "✓ 问题销号 2")."""

    def __init__(self, items: Sequence[Text], gap: int = 3) -> None:
        self.items = items
        self.gap = gap

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = Text(no_wrap=True)
        for item in self.items:
            if line.cell_len and line.cell_len + self.gap + item.cell_len > options.max_width:
                yield line
                line = Text(no_wrap=True)
            if line.cell_len:
                line.append(" " * self.gap)
            line.append_text(item)
        if line.cell_len:
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)
