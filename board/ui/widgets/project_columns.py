"""The projects panel's columns: which show at a width, how wide each is, and each row's cells.

The numbers the meeting argues about (形象进度, 目标, 序时, the gap in points, 漂浮 days, open
blockers) each have a column as wide as the widest value it can hold in the UI language, so
no number is ever cut: when the panel is narrow, whole columns give way (the sprint goal's
words first, then the long form of the gap, category, stage, the bar, the lead department…),
never a figure. Only the name and the lead department (words) are cut, with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rich.cells import cell_len
from rich.text import Text

from board.domain.codes import CATEGORIES
from board.domain.snapshot import Project
from board.domain.status import Light, floating_light, lag_light
from board.i18n import t
from board.ui.text import HIGHLIGHT_STYLE, cell, light_style, light_text
from board.view.board import Board
from board.view.words import SINCE_MARK, pipeline, progress_bar

# (key, header i18n key), in the order they stand on screen.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("light", "col.light"),
    ("code", "col.code"),
    ("name", "col.project"),
    ("category", "col.category"),
    ("stage", "col.stage"),
    ("progress", "col.progress"),
    ("goal", "col.goal"),
    ("schedule", "col.schedule"),
    ("gap", "col.gap"),
    ("note", "col.note"),
    ("floating", "col.floating"),
    ("lead", "col.lead"),
    ("blockers", "col.blockers"),
)
NAME_MIN = 16  # cells: eight Chinese characters, enough to tell projects apart
NAME_ROOMY = 32  # the goal's words get a column only once the name keeps this much
NOTE_MIN, NOTE_MAX = 12, 48
LEAD_WIDTH = 10
MAX_DAYS = 9999  # the widest 漂浮 a column is sized for


def _width(*words: str) -> int:
    return max(cell_len(w) for w in words)


def gap_words(behind: float | None, long: bool) -> str:
    """The gap to 序时进度 as offices say it: 落后 12 个百分点 / 超 5 个百分点 / 持平 (or, when
    narrow, 落后 12 / 超 5)."""
    if behind is None:
        return ""
    points = round(abs(behind))
    if points == 0:
        return t("gap.level")
    form = "long" if long else "short"
    return t(f"gap.behind.{form}" if behind > 0 else f"gap.ahead.{form}", n=points)


def natural_widths(code_width: int) -> dict[str, int]:
    """Each fixed column's width in the UI language: its header or its widest value."""
    header = {key: cell_len(t(label)) for key, label in COLUMNS}
    lights = [t(f"light.{x.value}") + "■" for x in Light]
    return {
        "light": max(header["light"], _width(*lights)),
        "code": max(header["code"], code_width),
        "category": max(header["category"], _width(*(t(f"category.{c}") for c in CATEGORIES))),
        "stage": max(header["stage"], 5),
        "goal": max(header["goal"], 4),
        "schedule": max(header["schedule"], 4),
        "gap_long": max(header["gap"], *(cell_len(gap_words(n, True)) for n in (100, -100, 0))),
        "gap_short": max(header["gap"], *(cell_len(gap_words(n, False)) for n in (100, -100, 0))),
        "floating": max(header["floating"], cell_len(t("days.floating", days=MAX_DAYS))),
        "lead": max(header["lead"], LEAD_WIDTH),
        "blockers": max(header["blockers"], 3),
        "progress_header": header["progress"],
    }


@dataclass(frozen=True)
class Widths:
    """Which columns show at a panel width, and how wide each is (in terminal cells)."""

    columns: tuple[str, ...]
    sizes: dict[str, int] = field(default_factory=dict)
    bar: int = 8  # cells of the progress bar (0: the percentage alone)
    long_gap: bool = True
    sep: int = 2  # cells between columns

    @property
    def name(self) -> int:
        return self.sizes["name"]

    @classmethod
    def for_width(cls, width: int, code_width: int | None = None) -> Widths:
        """The fullest layout that fits `width`: whole columns give way, in a fixed order,
        until the fixed ones and a name of NAME_MIN cells fit."""
        natural = natural_widths(code_width or 0)
        wanted = [k for k, _l in COLUMNS if k not in ("note", "name")]
        if code_width is None:
            wanted.remove("code")
        layout = cls(columns=tuple(wanted))
        # Each step gives up a little more; the first layout that fits is the one shown.
        steps: tuple[Callable[[Widths], Widths], ...] = (
            # The gap's short form (落后 36) before the stage: where a project stands in its
            # life (签约 → 投产) is what the chair reads first.
            lambda w: replace(w, long_gap=False),
            lambda w: w.without("category"),
            lambda w: w.without("stage"),
            lambda w: replace(w, bar=4),
            lambda w: w.without("lead"),
            lambda w: replace(w, sep=1),
            lambda w: replace(w, bar=0),
            lambda w: w.without("blockers"),
            lambda w: w.without("floating"),
        )
        layout = layout.sized(natural, width)
        for step in steps:
            if layout.name >= NAME_MIN:
                break
            layout = step(layout).sized(natural, width)
        return layout.with_note(natural, width)

    def without(self, key: str) -> Widths:
        return replace(self, columns=tuple(k for k in self.columns if k != key))

    def fixed_sizes(self, natural: dict[str, int]) -> dict[str, int]:
        sizes = {}
        for key in self.columns:
            if key == "gap":
                sizes[key] = natural["gap_long" if self.long_gap else "gap_short"]
            elif key == "progress":
                sizes[key] = max(natural["progress_header"], (self.bar + 1 if self.bar else 0) + 4)
            elif key not in ("name", "note"):
                sizes[key] = natural[key]
        return sizes

    def sized(self, natural: dict[str, int], width: int) -> Widths:
        """This layout with the name column given whatever the fixed columns leave."""
        sizes = self.fixed_sizes(natural)
        columns = self.columns if "name" in self.columns else self._with_name()
        used = sum(sizes.values()) + self.sep * len(columns) + 1
        sizes["name"] = max(0, width - used)
        return replace(self, columns=columns, sizes=sizes)

    def _with_name(self) -> tuple[str, ...]:
        order = [k for k, _l in COLUMNS]
        return tuple(sorted((*self.columns, "name"), key=order.index))

    def with_note(self, natural: dict[str, int], width: int) -> Widths:
        """The sprint goal's words, in a column of their own when the name can spare it."""
        spare = self.name - NAME_ROOMY - self.sep
        if spare < NOTE_MIN:
            return self
        note = min(NOTE_MAX, spare)
        order = [k for k, _l in COLUMNS]
        columns = tuple(sorted((*self.columns, "note"), key=order.index))
        sizes = {**self.sizes, "note": note, "name": self.name - note - self.sep}
        return replace(self, columns=columns, sizes=sizes)

    def header_cells(self) -> list[Text]:
        labels = dict(COLUMNS)
        return [Text(t(labels[key]), no_wrap=True, end="") for key in self.columns]

    def column_widths(self) -> list[int]:
        return [self.sizes[key] for key in self.columns]


def row_cells(
    board: Board, project: Project, widths: Widths, lit: bool, family: str
) -> tuple[Text, ...]:
    """One project's cells, in the order and at the widths of `widths`."""
    status = board.status.projects[project.id]
    goal = board.snapshot.goals.get(project.id)
    sizes = widths.sizes
    shown = set(widths.columns)
    every: dict[str, Text] = {"light": light_text(status.light, family)}
    if "code" in shown:
        every["code"] = cell(project.code, sizes["code"])
    # The mark goes first: a long name is cut at its end, the mark must survive.
    name = (t("bad.value") + " " if project.problems else "") + project.name
    if project.id in board.since.projects:
        name = SINCE_MARK + name
    every["name"] = cell(name, sizes["name"])
    if "category" in shown:
        every["category"] = cell(t(f"category.{project.category}"), sizes["category"])
    if "stage" in shown:
        every["stage"] = cell(pipeline(project.stage), sizes["stage"])
    bar = (
        progress_bar(project.progress, widths.bar)
        if widths.bar
        else progress_bar(project.progress, 0).strip()
    )
    every["progress"] = Text(bar, no_wrap=True, end="")
    target = goal.target_progress if goal is not None else None
    every["goal"] = Text("—" if target is None else f"{target}%", no_wrap=True, end="")
    expected = status.expected
    every["schedule"] = Text("—" if expected is None else f"{expected:.0f}%", no_wrap=True, end="")
    lag = lag_light(status.behind)
    every["gap"] = Text(
        gap_words(status.behind, widths.long_gap),
        style=light_style(lag, family) if lag is not Light.NONE else "",
        no_wrap=True,
        end="",
    )
    if "note" in shown:
        every["note"] = cell(goal.target_note if goal else "", sizes["note"])
    days = status.floating_days
    every["floating"] = Text(
        "" if days is None else t("days.floating", days=days),
        style=light_style(floating_light(days), family) if days is not None else "",
        no_wrap=True,
        end="",
    )
    lead = board.department_name(project.lead_department_id)
    if lead is None and project.lead_department_id is not None:
        lead = t("unknown.department", id=project.lead_department_id)
    if "lead" in shown:
        every["lead"] = cell(lead or "—", sizes["lead"])
    open_blockers = len(board.status.open_blockers.get(project.id, ()))
    every["blockers"] = Text(str(open_blockers) if open_blockers else "·", no_wrap=True, end="")
    cells = tuple(every[k] for k in widths.columns)
    if lit:
        for text in cells:
            text.stylize(HIGHLIGHT_STYLE)
    return cells
