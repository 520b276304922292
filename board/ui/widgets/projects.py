"""The projects panel: one row per project, updated in place by row key.

A refresh never clears the table while its rows stay the same: changed cells are updated where
they are, so the cursor and scroll do not move. When rows come, go or change order, the table
is rebuilt inside one batch and the cursor returns to the row it was on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from board.domain.snapshot import Project
from board.i18n import t
from board.ui.model import Board
from board.ui.text import (
    HIGHLIGHT_STYLE,
    SINCE_MARK,
    cell,
    light_style,
    light_text,
    pipeline,
    progress_bar,
)

# (key, label key, width or None for the flexible columns)
COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("light", "col.light", 6),
    ("name", "col.project", None),
    ("category", "col.category", 8),
    ("stage", "col.stage", 5),
    ("progress", "col.progress", 13),
    ("target", "col.target", None),
    ("floating", "col.floating", 7),
    ("lead", "col.lead", 10),
    ("blockers", "col.blockers", 5),
)


def fixed_width(key: str, label: str, default: int) -> int:
    """A fixed column is as wide as its header and its widest word in the UI language."""
    words = [t(label)]
    if key == "category":
        words += [
            t(f"category.{c}") for c in ("investment", "upgrade", "incubation", "infrastructure")
        ]
    elif key == "light":
        words += [t(f"light.{x}") + "■" for x in ("done", "green", "amber", "red")]
    elif key == "floating":
        words.append(t("days.floating", days=999))
    return max(default, min(16, max(cell_len(w) for w in words)))


# Dropped first when the panel is narrow: the detail screen still shows them.
NARROW_DROPS = frozenset({"category", "stage"})
NARROW_BELOW = 100


@dataclass(frozen=True)
class Widths:
    """Which columns show and how wide the two flexible ones are, for a panel width."""

    name: int
    target: int
    columns: tuple[str, ...]
    fixed: dict[str, int]

    @classmethod
    def for_width(cls, width: int) -> Widths:
        keys = tuple(k for k, _l, _w in COLUMNS if width >= NARROW_BELOW or k not in NARROW_DROPS)
        fixed = sum(fixed_width(k, lab, w) for k, lab, w in COLUMNS if w and k in keys)
        fixed += 2 * len(keys) + 2
        spare = max(0, width - fixed)
        name = max(12, min(36, spare * 3 // 5))
        return cls(
            name=name,
            target=max(10, min(48, spare - name)),
            columns=keys,
            fixed={k: fixed_width(k, lab, w) for k, lab, w in COLUMNS if w},
        )


class ProjectsTable(DataTable[Text]):
    """Key projects with their light, stage pipeline, progress and sprint target."""

    BINDINGS = [
        Binding("j", "cursor_down", "key.down", show=False, id="projects.down"),
        Binding("k", "cursor_up", "key.up", show=False, id="projects.up"),
        Binding("h", "scroll_left", "key.left", show=False, id="projects.left"),
        Binding("l", "scroll_right", "key.right", show=False, id="projects.right"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._keys: list[str] = []
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._widths: Widths | None = None

    def on_resize(self) -> None:
        # Column widths follow the panel width: a new width (or a shown panel) needs a redraw.
        redraw = getattr(self.app, "render_all", None)
        if callable(redraw):
            self.call_after_refresh(redraw)

    def project_id_at_cursor(self) -> int | None:
        if not self._keys or not (0 <= self.cursor_row < len(self._keys)):
            return None
        return int(self._keys[self.cursor_row])

    def select_project(self, project_id: int) -> bool:
        key = str(project_id)
        if key not in self._keys:
            return False
        self.move_cursor(row=self._keys.index(key))
        return True

    def row_cells(
        self, board: Board, project: Project, widths: Widths, lit: bool, family: str
    ) -> tuple[Text, ...]:
        status = board.status.projects[project.id]
        goal = board.snapshot.goals.get(project.id)
        target_bits = []
        if goal is not None and goal.target_progress is not None:
            target_bits.append(f"{goal.target_progress}%")
        if status.expected is not None:
            target_bits.append(t("cell.schedule", pct=f"{status.expected:.0f}"))
        if goal is not None and goal.target_note:
            target_bits.append(goal.target_note)
        floating = (
            t("days.floating", days=status.floating_days)
            if status.floating_days is not None
            else ""
        )
        open_blockers = len(board.status.open_blockers.get(project.id, ()))
        lead = board.department_name(project.lead_department_id)
        if lead is None and project.lead_department_id is not None:
            lead = t("unknown.department", id=project.lead_department_id)
        name = project.name + (" " + t("bad.value") if project.problems else "")
        if project.id in board.since.projects:
            name = SINCE_MARK + name
        every = {
            "light": light_text(status.light, family),
            "name": cell(name, widths.name),
            "category": cell(t(f"category.{project.category}"), widths.fixed["category"]),
            "stage": cell(pipeline(project.stage), 5),
            "progress": cell(progress_bar(project.progress), 13),
            "target": cell(" ".join(target_bits), widths.target),
            "floating": cell(
                floating, 6, style=light_style(status.light, family) if floating else ""
            ),
            "lead": cell(lead or "—", 10),
            "blockers": cell(str(open_blockers) if open_blockers else "·", 4),
        }
        cells = tuple(every[k] for k in widths.columns)
        if lit:
            for text in cells:
                text.stylize(HIGHLIGHT_STYLE)
        return cells

    def _ensure_columns(self, widths: Widths) -> bool:
        if widths == self._widths and self.columns:
            return False
        self.clear(columns=True)
        for key, label, width in COLUMNS:
            if key not in widths.columns:
                continue
            if key == "name":
                width = widths.name
            elif key == "target":
                width = widths.target
            else:
                width = widths.fixed[key]
            self.add_column(Text(t(label), no_wrap=True), width=width, key=key)
        self._widths = widths
        self._keys = []
        self._cells = {}
        return True

    def show(self, board: Board, projects: Iterable[Project], lit: set[int], family: str) -> None:
        """Bring the table to `projects`, touching only what changed."""
        widths = Widths.for_width(self.size.width or 120)
        rebuilt = self._ensure_columns(widths)
        rows = {str(p.id): self.row_cells(board, p, widths, p.id in lit, family) for p in projects}
        keys = list(rows)
        if not rebuilt and keys == self._keys:
            for key, cells in rows.items():
                old = self._cells.get(key)
                for col, new, before in zip(widths.columns, cells, old or (), strict=False):
                    if (new.plain, new.spans, new.style) != (
                        before.plain,
                        before.spans,
                        before.style,
                    ):
                        self.update_cell(key, col, new)
            self._cells = rows
            return
        cursor_key = self._keys[self.cursor_row] if 0 <= self.cursor_row < len(self._keys) else None
        cursor_index = self.cursor_row
        scroll_y = self.scroll_y
        self.clear()
        for key, cells in rows.items():
            self.add_row(*cells, key=key)
        self._keys = keys
        self._cells = rows
        if keys:
            target = (
                keys.index(cursor_key) if cursor_key in rows else min(cursor_index, len(keys) - 1)
            )
            self.move_cursor(row=max(0, target), animate=False, scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
            self.call_after_refresh(self._keep_cursor_visible)

    def _keep_cursor_visible(self) -> None:
        if self._keys:
            self.move_cursor(row=self.cursor_row, animate=False, scroll=True)
