"""The processes the bench's parent starts: the real board in a child process, and a writer.

`Child` spawns `python -m board.bench.probe ...` (the app headless, see probe.py), hands it two
pipes (events out, commands in), collects its JSON-line events on a thread and waits for them
with clear errors when the child dies or takes too long. `run_writer` runs plain `sqlite3` in a
process of its own (no board code) and returns the monotonic time right after each COMMIT.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from board.bench import host
from board.bench.protocol import Event, pipe_token
from board.errors import BoardError
from board.i18n import t
from board.store.location import Where, as_argument

# The writer: plain sqlite3 in its own process -------------------------------------------------


WRITER = r"""
import json, random, sqlite3, sys, time
db, project_id, base, first, count, lo, hi = sys.argv[1:8]
project_id, first, count, lo, hi = int(project_id), int(first), int(count), float(lo), float(hi)
con = sqlite3.connect(db, timeout=30, isolation_level=None)
rng = random.Random(first)
done = []
due = time.monotonic()
for seq in range(first, first + count):
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE projects SET name = ? WHERE id = ?", (f"«{seq:06d}» {base}", project_id))
    con.execute("COMMIT")
    done.append([seq, time.monotonic()])
    due += rng.uniform(lo, hi)
con.close()
print(json.dumps(done))
"""


def run_writer(
    db: Path, project_id: int, base: str, first: int, count: int, spacing: tuple[float, float]
) -> list[tuple[int, float]]:
    """Run `count` writes from a separate plain-sqlite3 process; (seq, commit time) for each."""
    args = [str(db), str(project_id), base, str(first), str(count), *map(str, spacing)]
    return run_script(WRITER, args, count)


def run_script(script: str, args: list[str], count: int) -> list[tuple[int, float]]:
    """A writer script (`count` writes) in a process of its own; its JSON (seq, commit time)."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120 + count,
        check=False,
    )
    if done.returncode != 0:
        raise BoardError(t("bench.err.writer", detail=done.stderr.strip()[-400:]), kind="internal")
    return [(int(seq), float(at)) for seq, at in json.loads(done.stdout)]


# The child: the real app, headless, instrumented through on_applied -------------------------


@dataclass
class Child:
    """The board in its own process, with the events it has reported so far."""

    proc: subprocess.Popen[bytes]
    spawned: float
    commands: Any
    log: Path
    events: list[Event]
    cond: threading.Condition

    @classmethod
    def start(cls, db: Where, today: date, *, poll: bool, key_rounds: int, log: Path) -> Child:
        events_r, events_w = os.pipe()
        commands_r, commands_w = os.pipe()
        env = dict(os.environ)
        env["BOARD_KEYMAP"] = "/nonexistent/board-bench-keymap.toml"  # stock bindings
        argv = [
            sys.executable,
            "-m",
            "board.bench.probe",
            as_argument(db),
            today.isoformat(),
            pipe_token(events_w),
            pipe_token(commands_r),
            "1" if poll else "0",
            str(key_rounds),
            str(log.with_suffix(".board.log")),
        ]
        profile = os.environ.get("BOARD_BENCH_PYSPY")  # a folder: profile the child (slower)
        beside = str(Path(sys.executable).parent)
        spy = shutil.which("py-spy") or shutil.which("py-spy", path=beside)
        if profile and spy:
            flame = Path(profile) / f"{log.parent.name}-{log.stem}.txt"
            argv = [spy, "record", "--threads", "-r", "200", "-f", "raw", "-o", str(flame),
                    "--", *argv]  # fmt: skip
        with log.open("wb") as out:
            spawned = time.monotonic()
            proc = spawn(argv, (events_w, commands_r), out, env)
        os.close(events_w)
        os.close(commands_r)
        child = cls(
            proc=proc,
            spawned=spawned,
            commands=os.fdopen(commands_w, "w", buffering=1),
            log=log,
            events=[],
            cond=threading.Condition(),
        )
        threading.Thread(target=child._read, args=(events_r,), daemon=True).start()
        return child

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "r", encoding="utf-8") as stream:
            for line in stream:
                with suppress(ValueError), self.cond:
                    self.events.append(json.loads(line))
                    self.cond.notify_all()
        with self.cond:
            self.events.append({"ev": "eof"})
            self.cond.notify_all()

    def wait(self, what: str, pred: Callable[[Event], bool], timeout: float) -> Event:
        """The first event matching `pred`; a clear error if the child died or took too long."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self.cond:
            while True:
                for event in self.events[seen:]:
                    if pred(event):
                        return event
                    if event.get("ev") == "eof":
                        raise BoardError(
                            t("bench.err.child", what=what, log=self.log, tail=self.tail()),
                            kind="internal",
                        )
                seen = len(self.events)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BoardError(
                        t("bench.err.timeout", what=what, seconds=round(timeout), log=self.log),
                        kind="internal",
                    )
                self.cond.wait(min(left, 1.0))

    def applied(self) -> list[Event]:
        with self.cond:
            return [e for e in self.events if e.get("ev") == "applied"]

    def send(self, command: str) -> None:
        self.commands.write(command + "\n")
        self.commands.flush()

    def tail(self) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return " ".join(text.strip().splitlines()[-3:])[-400:]

    def cpu_seconds(self) -> float | None:
        """User + system time of the child so far (all its threads); None where not readable."""
        return host.cpu_seconds(self.proc.pid)

    def memory_mb(self, field: str) -> float | None:
        """VmHWM (peak) or VmRSS (now) of the child, in MB; None where not readable."""
        return host.memory_mb(self.proc.pid, field)

    def stop(self) -> None:
        with suppress(OSError, ValueError):
            self.send("quit")
            self.commands.close()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        with suppress(OSError), self.cond:  # the raw events, beside the logs (see --keep)
            lines = [json.dumps(e, ensure_ascii=False) for e in self.events]
            self.log.with_suffix(".events.jsonl").write_text("\n".join(lines) + "\n")


def spawn(
    argv: list[str], handed: tuple[int, ...], out: IO[bytes], env: dict[str, str]
) -> subprocess.Popen[bytes]:
    """Start `argv` with the pipe ends `handed` (already named in argv by `pipe_token`)
    inherited, and nothing else of ours. Windows has no pass_fds: there the handles are
    listed for inheritance instead."""
    if sys.platform == "win32":
        import msvcrt

        handles = [msvcrt.get_osfhandle(fd) for fd in handed]
        return subprocess.Popen(
            argv,
            startupinfo=subprocess.STARTUPINFO(lpAttributeList={"handle_list": handles}),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    return subprocess.Popen(
        argv,
        pass_fds=handed,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
    )


@contextmanager
def running(db: Where, today: date, *, poll: bool, key_rounds: int, log: Path) -> Iterator[Child]:
    child = Child.start(db, today, poll=poll, key_rounds=key_rounds, log=log)
    try:
        yield child
    finally:
        child.stop()


def start_times(child: Child, slow: float) -> dict[str, float]:
    """Seconds from spawning `child` to its interpreter, its imports and its first full screen."""
    first = child.wait(t("bench.what.first"), lambda e: e.get("ev") == "first_screen", 60 * slow)
    started = child.wait("", lambda e: e.get("ev") == "process", 1)
    imported = child.wait("", lambda e: e.get("ev") == "imported", 1)
    return {
        "interpreter_s": started["t"] - child.spawned,
        "imports_s": imported["t"] - started["t"],
        "first_screen_s": first["t"] - child.spawned,
    }


def wait_for_marker(child: Child, seq: int, timeout: float) -> Event:
    return child.wait(
        t("bench.what.marker", seq=seq),
        lambda e: e.get("ev") == "applied" and (e.get("seq") or 0) >= seq,
        timeout,
    )


def highlight_seconds() -> float:
    try:
        from board.ui.refresh import HIGHLIGHT_SECONDS
    except ImportError:
        return 3.0
    return float(HIGHLIGHT_SECONDS)
