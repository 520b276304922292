"""What the `board serve` tests share: the token, a free port, and a look at /proc for the board
processes a server started (the `ps` of these tests, with no library in between)."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from pathlib import Path

import pytest

TOKEN = "test-token-比如-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def board_processes(db: Path, parent: int | None = None) -> set[int]:
    """The pids of live board processes showing `db` (children of `parent`, when given)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # stat: pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'.
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state == "Z" or (parent is not None and int(ppid) != parent):
            continue
        if (
            any(a.startswith(b"board") for a in argv)
            and str(db).encode() in argv
            and b"serve" not in argv
        ):
            found.add(int(entry.name))
    return found


def wait_until_gone(pids: set[int], db: Path, timeout: float = 20.0) -> set[int]:
    """Wait for `pids` to leave; return those still there after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = pids & board_processes(db)
        if not left:
            return set()
        time.sleep(0.1)
    return pids & board_processes(db)


async def gone_soon(pids: set[int], db: Path, timeout: float = 20.0) -> set[int]:
    """`wait_until_gone` for a test whose server runs in its own event loop."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pids & board_processes(db):
        await asyncio.sleep(0.1)
    return pids & board_processes(db)
