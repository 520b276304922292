"""`python -m board.cli.tab ARGS`: one browser tab's board for `board serve`, run as `board ARGS`,
that ends when the server that started it is gone.

A server stopped with Ctrl+C or SIGTERM ends its boards itself; one killed (SIGKILL, the OOM
killer, a crash) cannot, and Textual's web driver does not quit when its input closes: seen
here, each such board lived on as an orphan. So the board looks at its parent once a second
(`os.getppid()` changes when the parent dies and the child is re-parented) and exits when it
has changed. On Windows a dead parent's pid stays, so this watch never fires there.
"""

from __future__ import annotations

import os
import threading
import time


def end_with_parent(parent: int, every: float = 1.0) -> threading.Thread:
    """Exit this process as soon as its parent is no longer `parent`."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)  # the browser is gone with the server: nothing is left to save or show

    thread = threading.Thread(target=watch, name="end-with-parent", daemon=True)
    thread.start()
    return thread


if __name__ == "__main__":
    end_with_parent(os.getppid())
    from board.cli import main

    main()
