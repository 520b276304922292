"""The one error type a user may see: a one-line message and an exit code, never a traceback."""

from __future__ import annotations

import shlex
import sys


def quoted(path: object) -> str:
    """`path` as a shell needs it in a suggested command: board init '/tmp/调度 会/x.db'.
    POSIX shell quoting; on Windows, double quotes around a path with spaces or metacharacters
    (cmd and PowerShell both take those)."""
    text = str(path)
    if sys.platform == "win32":
        return f'"{text}"' if any(c in text for c in " &()^%!;,") else text
    return shlex.quote(text)


class BoardError(Exception):
    """A problem the user can act on, already phrased for them (through `board.i18n`)."""

    def __init__(self, message: str, *, exit_code: int = 2, kind: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        # A short machine-readable reason (missing, locked, corrupt, newer, ...) for the UI.
        self.kind = kind

    def __str__(self) -> str:
        return self.message
