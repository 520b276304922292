"""What the operating system says about a running process and the machine: CPU time, memory, load.

Linux has all of it in /proc. macOS and Windows have no /proc, and Windows has no load average:
there each helper returns None instead of raising, the bench reports that figure as not measured
on this platform ("—") and still measures everything else. (`psutil` would cover them but is not
a dependency; `resource` sees only children that have ended, not the running one measured here.)
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from pathlib import Path

PROC = Path("/proc")


def reads_processes() -> bool:
    """Whether another process's CPU time and memory can be read here at all."""
    return clock_ticks() is not None and (PROC / "self" / "stat").is_file()


def clock_ticks() -> int | None:
    """The unit of /proc's CPU times (ticks per second); None where there is no such unit."""
    if sys.platform == "win32":
        return None
    try:
        return os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError):
        return None


def cpu_seconds(pid: int) -> float | None:
    """User + system time of process `pid` so far (all its threads); None if not readable here."""
    ticks = clock_ticks()
    if ticks is None:
        return None
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name, in parentheses, may itself hold spaces and parentheses.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks


def memory_mb(pid: int, field: str) -> float | None:
    """VmHWM (peak) or VmRSS (now) of process `pid`, in MB; None if not readable here."""
    with suppress(OSError):
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None


def loadavg() -> tuple[float, float, float] | None:
    """The machine's 1, 5 and 15 minute load averages; None where the system keeps none."""
    if sys.platform == "win32":
        return None
    try:
        return os.getloadavg()
    except (AttributeError, OSError):  # a build without it, or the system would not say
        return None
