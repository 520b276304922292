"""The overview's panels: what a panel is, and which panels there are, in order.

A panel is a widget that picks its own rows from the board for the coordinator's choices
(board.view.selections), gives its border title, and says which row is under its cursor. The
overview composes `PANELS` in order (the number keys 1..N, the tab line of a narrow screen),
the app redraws the board by looping over them, the edit keys ask the focused one, and Enter
opens what it names. So a new panel is one widget module and one entry here: the CSS every
panel shares is `.panel` in board.tcss, anything of its own goes in its DEFAULT_CSS, and Enter
reaches the overview as the `Selected` or `RowSelected` message of the widget it is built on
(the projects table, a card list, a DataTable).

Panels satisfy `Panel` by their shape; widget modules never import this one (it imports them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, NamedTuple, Protocol

from rich.text import Text
from textual.widget import Widget

from board.ui.widgets.blockers import BlockerList
from board.ui.widgets.departments import DepartmentCards
from board.ui.widgets.projects import ProjectsTable
from board.ui.widgets.ranking import RankingTable
from board.view.board import Board
from board.view.selections import ViewState

Lit = Callable[[str], set[int]]  # kind → ids of rows changed a moment ago (drawn highlighted)
Row = tuple[str, int]  # (kind, id): project | department | blocker | pledge


class Panel(Protocol):
    """What the overview, the app and the edit keys ask of a panel widget."""

    kind: ClassVar[str]  # what its rows are: a jump to a row of this kind lands here

    def show(self, board: Board, state: ViewState, lit: Lit, family: str) -> None:
        """Pick the rows for `state` and redraw what changed (`family`: the colour theme)."""

    def title(self, board: Board, state: ViewState, number: int, name: str) -> Text:
        """The border title after `show`: `number` is its key, `name` its translated name."""

    def edit_target(self) -> Row | None:
        """The row under the cursor, for the edit keys."""

    def open_target(self, board: Board) -> Row | None:
        """What Enter on the row under the cursor opens: a project or a department page."""

    def select_row(self, ident: int) -> bool:
        """Put the cursor on the row of `kind` with this id; False when it is not listed."""


@dataclass(frozen=True)
class PanelSpec:
    """One panel of the overview: its widget's id (its frame is `#panel-<name>`), the i18n
    keys of its name and of its number key's help line, and how to make its widget."""

    name: str
    title: str
    key_help: str
    widget: Callable[..., Panel]  # called with id=name

    def make(self) -> Made:
        made = self.widget(id=self.name)
        assert isinstance(made, Widget), f"panel {self.name!r} is not a widget"
        return Made(self, made, made)


class Made(NamedTuple):
    """A panel's widget, seen both as the widget the overview mounts and focuses and as the
    `Panel` it asks (the type checker knows no "Widget and Panel" type)."""

    spec: PanelSpec
    widget: Widget
    panel: Panel


PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("projects", "panel.projects", "key.panel1", ProjectsTable),
    PanelSpec("departments", "panel.departments", "key.panel2", DepartmentCards),
    PanelSpec("blockers", "panel.blockers", "key.panel3", BlockerList),
    PanelSpec("ranking", "panel.ranking", "key.panel4", RankingTable),
)
