"""What the bench's parent and its child (the probe inside the real app) must agree on.

The marker the writer puts in a project's name, the headless screen size, the shape of an event,
and how a pipe end is handed from the parent to the child on the command line. This module
imports nothing of the board, so both sides load it without loading each other.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

SCREEN_SIZE = (160, 48)
# The writer renames one project `«000123» <its name>`; the probe reads the number back.
MARKER = re.compile(r"^«(\d+)» ")
Event = dict[str, Any]


def pipe_token(fd: int) -> str:
    """What the child is told about an inherited pipe end: on POSIX its file descriptor; on Windows
    descriptors are not inherited, only OS handles are, so its handle, made inheritable."""
    if sys.platform == "win32":
        import msvcrt

        handle = msvcrt.get_osfhandle(fd)
        os.set_handle_inheritable(handle, True)
        return str(handle)
    return str(fd)


def opened_pipe(token: str, *, write: bool) -> int:
    """In the child: the file descriptor for a pipe end the parent passed as `pipe_token`."""
    if sys.platform == "win32":
        import msvcrt

        return msvcrt.open_osfhandle(int(token), os.O_WRONLY if write else os.O_RDONLY)
    return int(token)
