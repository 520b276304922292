"""Where "maybe changed" comes from: the file watcher for a file, LISTEN/NOTIFY for a server.

A room of BoardApp, like refresh.py. For a server database it starts the `ChangeListener`
(board/store/listen.py) and keeps `link_down` while its connection is lost, which the banner
shows as 数据库连接中断 · 显示 HH:MM 的数据 until the listener is back; then one check catches
the board up from its last change id.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App

from board.config import DisplayOptions
from board.store.location import Where, is_server
from board.ui.messages import BoardLoaded, LinkChanged, LoadFailed
from board.watch import DatabaseWatcher

if TYPE_CHECKING:  # psycopg is an extra: imported only for a server database
    from board.store.listen import ChangeListener


# A read on a cut connection is tried again this soon (doubling up to the cap), not only at
# the next safety check: the link is usually back within a second.
RETRY_FIRST = 0.3
RETRY_MAX = 5.0


class ServerLink(App[int]):
    """Starts the watcher or the listener; follows the listener's connection."""

    db: Where
    options: DisplayOptions
    file_event: Callable[[], None]
    link_down: bool = False
    retry_after: float = RETRY_FIRST

    if TYPE_CHECKING:

        @abstractmethod
        def request_refresh(self, force: bool = False) -> None: ...

        @abstractmethod
        def render_banner(self) -> None: ...

    def start_watcher(self) -> DatabaseWatcher | ChangeListener | None:
        """The file's watcher or the server's listener, started; None if the platform refuses
        a watch (the safety poll still sees every change)."""
        if is_server(self.db):
            from board.store.listen import ChangeListener

            listener = ChangeListener(self.db, self.file_event, self.link_event)
            listener.start()
            return listener
        watcher = DatabaseWatcher(self.db, self.file_event, poll=self.options.poll)
        try:
            watcher.start()
        except OSError:
            return None
        return watcher

    def link_event(self, up: bool) -> None:
        """Called on the listener's thread: only post."""
        self.post_message(LinkChanged(up))

    def on_link_changed(self, message: LinkChanged) -> None:
        self.link_down = not message.up
        self.render_banner()
        if message.up:
            self.request_refresh()

    # Textual calls these beside refresh.py's handlers of the same messages (each class of the
    # MRO gets its turn).
    def on_load_failed(self, message: LoadFailed) -> None:
        if is_server(self.db) and message.error.kind in ("disconnected", "unreachable"):
            self.set_timer(self.retry_after, self.request_refresh)
            self.retry_after = min(RETRY_MAX, self.retry_after * 2)

    def on_board_loaded(self, _message: BoardLoaded) -> None:
        self.retry_after = RETRY_FIRST
