"""The projects panel: one row per project, drawn on demand with the line API.

A zone has a few hundred projects, a city office ten thousand: the panel keeps only the ordered
list of projects and draws the rows that are on screen (as toolong's LogLines does), so a
refresh costs the same at any size and never measures every cell. The cursor stays on its
project (by id) across refreshes, re-sorts and filters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from board.domain.codes import CATEGORIES
from board.domain.snapshot import Project
from board.i18n import t
from board.ui.text import HIGHLIGHT_STYLE, cell, light_style, light_text
from board.ui.widgets.scrolling import (
    SIDE_BINDINGS,
    clear_strips,
    forget_strips,
    set_virtual_size,
)
from board.view.board import Board
from board.view.selections import ViewState, select_projects
from board.view.words import SINCE_MARK, pipeline, progress_bar

# (key, label key, width or None for the flexible columns)
COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("light", "col.light", 4),
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
            t(f"category.{c}") for c in CATEGORIES
        ]
    elif key == "light":
        words += [t(f"light.{x}") + "■" for x in ("done", "green", "amber", "red")]
    elif key == "floating":
        words.append(t("days.floating", days=999))
    return max(default, min(16, max(cell_len(w) for w in words)))


# Dropped first when the panel is narrow: the detail screen still shows them.
NARROW_DROPS = frozenset({"category", "stage"})
NARROW_BELOW = 100
# Strips kept for drawn rows: a wall screen's rows, in each of their looks, many times over.
STRIPS_KEPT = 500


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
        narrow = width < NARROW_BELOW
        sizes = {k: fixed_width(k, lab, w) for k, lab, w in COLUMNS if w}
        if narrow:
            sizes["progress"] = 9  # a shorter bar: ████ 50%
        fixed = sum(size for k, size in sizes.items() if k in keys) + 2 * len(keys) + 1
        spare = max(0, width - fixed)
        # The sprint target gets up to two fifths; the name everything else (it matters most).
        target = max(10, min(48, spare * 2 // 5))
        return cls(
            name=max(12, spare - target),
            target=target,
            columns=keys,
            fixed=sizes,
        )


class ProjectsTable(ScrollView, can_focus=True):
    """Key projects with their light, stage pipeline, progress and sprint target (a panel)."""

    kind: ClassVar[str] = "project"

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "key.up", show=False, id="projects.up"),
        Binding("down,j", "cursor(1)", "key.down", show=False, id="projects.down"),
        Binding("pageup", "page(-1)", "key.up", show=False, id="projects.page_up"),
        Binding("pagedown", "page(1)", "key.down", show=False, id="projects.page_down"),
        Binding("home", "edge(0)", "key.up", show=False, id="projects.first"),
        Binding("end", "edge(1)", "key.down", show=False, id="projects.last"),
        Binding("enter", "select", "key.open", show=False, id="projects.open"),
        *SIDE_BINDINGS,
    ]
    COMPONENT_CLASSES = {
        "projects--header",
        "projects--cursor",
        "projects--cursor-blurred",
        "projects--even",
    }
    DEFAULT_CSS = """
    ProjectsTable { height: 1fr; overflow-x: hidden; overflow-y: scroll; }
    ProjectsTable > .projects--header { text-style: bold; background: $panel; }
    ProjectsTable > .projects--cursor { background: $accent 40%; text-style: bold; }
    ProjectsTable > .projects--cursor-blurred { background: $accent 15%; }
    ProjectsTable > .projects--even { background: $boost; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=False)

    class Selected(Message):
        """Enter (or a click) on a project row."""

        def __init__(self, table: ProjectsTable, project_id: int) -> None:
            super().__init__()
            self.table = table
            self.project_id = project_id

        @property
        def control(self) -> ProjectsTable:
            return self.table

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._projects: list[Project] = []
        self._board: Board | None = None
        self._lit: set[int] = set()
        self._family = "default"
        self._widths = Widths.for_width(120)
        self._strips: LRUCache[tuple[int, bool, bool], Strip] = LRUCache(STRIPS_KEPT)

    # What the rest of the app asks -------------------------------------------------------------

    def project_id_at_cursor(self) -> int | None:
        if not self._projects or not (0 <= self.cursor_row < len(self._projects)):
            return None
        return self._projects[self.cursor_row].id

    def edit_target(self) -> tuple[str, int] | None:
        pid = self.project_id_at_cursor()
        return ("project", pid) if pid is not None else None

    def open_target(self, board: Board) -> tuple[str, int] | None:
        return self.edit_target()

    def select_row(self, ident: int) -> bool:
        return self.select_project(ident)

    def title(self, board: Board, state: ViewState, number: int, name: str) -> Text:
        """Name and row count, the sort, then every filter in force (they narrow all panels,
        and this title is the one a room reads first)."""
        notes = []
        if state.text:
            notes.append(t("filter.active", text=state.text))
        if state.light_filter != "all":
            notes.append(t(f"lightfilter.{state.light_filter}"))
        if state.department_id is not None:
            notes.append(t("pick.active", name=board.department_name(state.department_id) or "?"))
        suffix = (" · " + " · ".join(notes)) if notes else ""
        return Text(
            t("panel.title", n=number, name=name, count=len(self._projects))
            + f" · {t(f'sort.{state.sort}')}"
            + suffix
        )

    def project_ids(self) -> list[int]:
        """The ids of the rows, in order."""
        return [p.id for p in self._projects]

    def select_project(self, project_id: int) -> bool:
        index = next((i for i, p in enumerate(self._projects) if p.id == project_id), None)
        if index is None:
            return False
        self.move_cursor(index)
        return True

    def plain_rows(self) -> list[tuple[str, ...]]:
        """Every row's cells as plain text (for tests and exports; draws nothing)."""
        if self._board is None:
            return []
        return [
            tuple(
                c.plain for c in self.row_cells(self._board, p, self._widths, False, self._family)
            )
            for p in self._projects
        ]

    # Data in ------------------------------------------------------------------------------------

    def on_resize(self) -> None:
        # Column widths follow the panel width: a new width (or a shown panel) needs a redraw.
        redraw = getattr(self.app, "render_all", None)
        if callable(redraw):
            self.call_after_refresh(redraw)

    def show(
        self, board: Board, state: ViewState, lit: Callable[[str], set[int]], family: str
    ) -> None:
        """Show the projects `state` selects, in its order; the cursor stays on the project it
        was on. Only the rows on screen whose content changed are redrawn (a write changes one
        row, not 40)."""
        projects = select_projects(board, state)
        keep = self.project_id_at_cursor()
        index = self.cursor_row
        before = self._visible_signatures()
        old_widths, old_count, old_family = self._widths, len(self._projects), self._family
        self._board = board
        self._projects = list(projects)
        self._lit = lit("project")
        self._family = family
        self._widths = Widths.for_width(self.row_width or 120)
        set_virtual_size(self, Size(self.row_width, len(self._projects) + 1))
        if keep is not None:
            # Where it is now: looked up only here, not kept as an index of 10,000 keys.
            index = next((i for i, p in enumerate(self._projects) if p.id == keep), index)
        self.cursor_row = max(0, min(index, len(self._projects) - 1))
        after = self._visible_signatures()
        if (
            self._widths != old_widths
            or family != old_family
            or len(self._projects) != old_count
            or before.keys() != after.keys()
        ):
            clear_strips(self._strips)
            self.refresh()
            return
        top = int(self.scroll_offset.y)
        changed = {row for row, signature in after.items() if before[row] != signature}
        # Rows off screen are drawn afresh when scrolled to.
        forget_strips(self._strips, lambda key: key[0] in changed or key[0] not in after)
        for row in changed:
            self.refresh(Region(0, row - top + 1, self.size.width, 1))

    def _visible_signatures(self) -> dict[int, tuple[object, ...]]:
        """What each row on screen is drawn from, by row index."""
        board = self._board
        if board is None:
            return {}
        top = int(self.scroll_offset.y)
        end = min(len(self._projects), top + self.page_rows)
        return {i: self.signature(board, self._projects[i]) for i in range(top, end)}

    def signature(self, board: Board, project: Project) -> tuple[object, ...]:
        # Everything `row_cells` reads for this project: a row whose signature is unchanged is
        # not redrawn, so a new input there must be added here too.
        return (
            project,
            board.status.projects.get(project.id),
            board.snapshot.goals.get(project.id),
            len(board.status.open_blockers.get(project.id, ())),
            board.department_name(project.lead_department_id),
            project.id in board.since.projects,
            project.id in self._lit,
        )

    # Keys ---------------------------------------------------------------------------------------

    @property
    def row_width(self) -> int:
        """Cells a row may use: the widget less its vertical scrollbar."""
        return self.scrollable_content_region.width or self.size.width

    @property
    def page_rows(self) -> int:
        return max(1, self.size.height - 1)

    def move_cursor(self, row: int) -> None:
        if not self._projects:
            return
        self.cursor_row = max(0, min(row, len(self._projects) - 1))
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self.page_rows:
            self.scroll_to(y=self.cursor_row - self.page_rows + 1, animate=False, immediate=True)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step * self.page_rows)

    def action_edge(self, end: int) -> None:
        self.move_cursor(len(self._projects) - 1 if end else 0)

    def action_select(self) -> None:
        project_id = self.project_id_at_cursor()
        if project_id is not None:
            self.post_message(self.Selected(self, project_id))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_cursor(int(self.scroll_offset.y) + event.y - 1)
            if event.chain >= 2:
                self.action_select()

    def on_focus(self) -> None:
        clear_strips(self._strips)
        self.refresh()

    def on_blur(self) -> None:
        clear_strips(self._strips)
        self.refresh()

    # Drawing ------------------------------------------------------------------------------------

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
        # The mark goes first: a long name is cut at its end, the mark must survive.
        name = (t("bad.value") + " " if project.problems else "") + project.name
        if project.id in board.since.projects:
            name = SINCE_MARK + name
        every = {
            "light": light_text(status.light, family),
            "name": cell(name, widths.name),
            "category": cell(t(f"category.{project.category}"), widths.fixed["category"]),
            "stage": cell(pipeline(project.stage), 5),
            "progress": cell(
                progress_bar(project.progress, 8 if widths.fixed["progress"] >= 13 else 4),
                widths.fixed["progress"],
            ),
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

    def header_cells(self) -> list[Text]:
        widths = self._widths
        cells = []
        for key, label, _w in COLUMNS:
            if key in widths.columns:
                cells.append(Text(t(label), no_wrap=True))
        return cells

    def column_widths(self) -> list[int]:
        widths = self._widths
        out = []
        for key, _label, _w in COLUMNS:
            if key not in widths.columns:
                continue
            if key == "name":
                out.append(widths.name)
            elif key == "target":
                out.append(widths.target)
            else:
                out.append(widths.fixed[key])
        return out

    def line(self, cells: list[Text] | tuple[Text, ...], base: Style) -> Strip:
        """Cells padded to their columns (by terminal cells, so CJK aligns), as one strip."""
        segments: list[Segment] = [Segment(" ", base)]
        for text, width in zip(cells, self.column_widths(), strict=False):
            text = text.copy()
            text.truncate(width, overflow="ellipsis", pad=True)
            for seg in text.render(self.app.console):
                style = base + seg.style if seg.style else base
                segments.append(Segment(seg.text, style))
            segments.append(Segment("  ", base))
        return Strip(segments).adjust_cell_length(self.row_width, base)

    def render_line(self, y: int) -> Strip:
        if y == 0:
            return self.line(self.header_cells(), self.get_component_rich_style("projects--header"))
        index = int(self.scroll_offset.y) + y - 1
        if not (0 <= index < len(self._projects)) or self._board is None:
            return Strip.blank(self.row_width, self.rich_style)
        is_cursor = index == self.cursor_row
        key = (index, is_cursor, self.has_focus)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        project = self._projects[index]
        if is_cursor:
            name = "projects--cursor" if self.has_focus else "projects--cursor-blurred"
            base = self.rich_style + self.get_component_rich_style(name)
        elif index % 2:
            base = self.rich_style + self.get_component_rich_style("projects--even")
        else:
            base = self.rich_style
        cells = self.row_cells(
            self._board, project, self._widths, project.id in self._lit, self._family
        )
        strip = self.line(cells, base)
        self._strips[key] = strip
        return strip
