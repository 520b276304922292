"""Windows and macOS, proven on Linux by taking away what they lack: the board starts and quits
without SIGHUP, and the bench's system readings say None (not measured here) instead of raising
when there is no /proc, no clock-tick unit or no load average."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from board.bench import host
from board.bench.child import spawn
from board.bench.figures import verdicts
from board.bench.protocol import pipe_token
from board.bench.run import PROCESS_FIGURES, environment
from tests.conftest import make_app, settle

HAS_PROC = Path("/proc/self/stat").is_file()


# The board ---------------------------------------------------------------------------------


async def test_the_board_starts_and_quits_without_sighup(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(signal, "SIGHUP", raising=False)  # as on Windows
    before = signal.getsignal(signal.SIGTERM)
    app = make_app(demo_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.board is not None and app.board.projects
        # SIGTERM still ends the board cleanly.
        assert signal.getsignal(signal.SIGTERM) not in (before, signal.SIG_DFL)
        await pilot.press("q")
    assert app.return_code == 0
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="a platform without SIGHUP")
async def test_where_there_is_sighup_it_ends_the_board_like_sigterm(demo_db: Path) -> None:
    hangup = signal.SIGHUP
    before = signal.getsignal(hangup)
    app = make_app(demo_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        ours = signal.getsignal(signal.SIGTERM)
        assert callable(ours)
        assert signal.getsignal(hangup) == ours
        await pilot.press("q")
    assert signal.getsignal(hangup) == before


# The bench's readings of the system --------------------------------------------------------


def test_without_proc_cpu_and_memory_are_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(host, "PROC", tmp_path / "no-proc")  # as on macOS and Windows
    assert host.reads_processes() is False
    assert host.cpu_seconds(os.getpid()) is None
    assert host.memory_mb(os.getpid(), "VmHWM") is None
    assert host.memory_mb(os.getpid(), "VmRSS") is None


def test_without_a_clock_tick_unit_cpu_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sysconf", raising=False)  # as on Windows
    assert host.clock_ticks() is None
    assert host.cpu_seconds(os.getpid()) is None
    assert host.reads_processes() is False


def test_without_getloadavg_the_load_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "getloadavg", raising=False)  # as on Windows
    assert host.loadavg() is None
    info = environment()
    assert info["loadavg"] is None
    assert info["cpus"] == os.cpu_count()


@pytest.mark.skipif(not HAS_PROC, reason="needs /proc")
def test_with_proc_the_readings_are_numbers() -> None:
    assert host.reads_processes() is True
    cpu = host.cpu_seconds(os.getpid())
    assert cpu is not None and cpu > 0
    peak, now = host.memory_mb(os.getpid(), "VmHWM"), host.memory_mb(os.getpid(), "VmRSS")
    assert peak is not None and now is not None and 0 < now <= peak
    load = host.loadavg()
    assert load is not None and len(load) == 3


def test_figures_not_measured_here_have_no_verdict() -> None:
    measured: dict[str, float | None] = {"write_p50_ms": 12.0, "cold_start_s": 0.5}
    here = verdicts(300, measured, PROCESS_FIGURES)
    for key in PROCESS_FIGURES:
        assert here[key]["measured"] is None
        assert here[key]["target"] is not None
        assert here[key]["pass"] is None
    # Anything else missing still fails, as it does where /proc exists.
    assert here["write_p95_ms"]["pass"] is False
    assert verdicts(300, measured)["idle_cpu_pct"]["pass"] is False


def test_a_pipe_end_reaches_the_child(tmp_path: Path) -> None:
    """How the bench hands its event pipe to the board's child, on this platform."""
    read_end, write_end = os.pipe()
    code = (
        "import os, sys\n"
        "from board.bench.protocol import opened_pipe\n"
        "os.write(opened_pipe(sys.argv[1], write=True), b'shown')\n"
    )
    with (tmp_path / "child.log").open("wb") as out:
        proc = spawn(
            [sys.executable, "-c", code, pipe_token(write_end)], (write_end,), out, dict(os.environ)
        )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        assert stream.read() == b"shown"
    assert proc.wait(timeout=60) == 0, (tmp_path / "child.log").read_text()
