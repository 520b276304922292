"""The app-level messages: from the watcher and the workers to the UI thread.

Threads never touch widgets: a watcher thread or a worker posts one of these to the app, and
its handler (in refresh.py or editing.py) runs on the UI thread. Each carries what its handler
needs, so nothing is read back from the thread that posted it. Messages of one widget (a row
selected) stay nested in that widget's class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from board.errors import BoardError
from board.store.writer import Change
from board.view.board import Board

if TYPE_CHECKING:
    from board.ui.editing import Edit


class DataMaybeChanged(Message):
    """The watcher saw the file move; many of these in a burst collapse into one."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DataMaybeChanged)


class BoardLoaded(Message):
    """A worker finished a check: a new board, or None when nothing changed; `new_data` when
    the file held writes the last board had not seen (not a forced reload or a new day)."""

    def __init__(self, board: Board | None, new_data: bool = False) -> None:
        super().__init__()
        self.board = board
        self.new_data = new_data


class FileDamaged(Message):
    """The full check after the first screen found damage: said under the board, kept."""

    def __init__(self, error: BoardError) -> None:
        super().__init__()
        self.error = error


class LoadFailed(Message):
    """A worker could not read the file; the board keeps what it shows."""

    def __init__(self, error: BoardError) -> None:
        super().__init__()
        self.error = error


class WriteDone(Message):
    """An edit was written: what changed, for the notice (the board shows it on refresh)."""

    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change


class WriteFailed(Message):
    """An edit was refused; with the edit, a conflict can be saved again on top of theirs."""

    def __init__(self, error: BoardError, edit: Edit | None) -> None:
        super().__init__()
        self.error = error
        self.edit = edit


class LinkChanged(Message):
    """The server listener lost its connection (`up` False) or has it again."""

    def __init__(self, up: bool) -> None:
        super().__init__()
        self.up = up
