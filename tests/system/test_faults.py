"""The fault matrix of issue 6, against real files and real second processes.

Each numbered section is one row of docs/reliability.md. The other side of every fault is a
separate process: plain sqlite3 in `python -c`, `python -m board ...`, `cp`/`mv`, or a real
`board` in tmux. The board under test runs under `App.run_test` where the screen matters.
Every wait is bounded (`wait_for(..., timeout=...)`); no test asserts how long anything took.

Already covered elsewhere and not repeated here: a file deleted and copied back, a file
replaced by rename, markup-like names (tests/test_live.py); 4 CLI writers without displays
(tests/test_cli_writes.py::test_parallel_writers_lose_nothing); a header-corrupt file, a newer
schema and bad --today/--lang/--theme at startup (tests/test_cli_errors.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from board.cli import DisplayOptions
from board.i18n import zh_cn
from board.store.demo import build_demo
from board.store.migrations import SCHEMA_VERSION
from board.ui.app import BoardApp
from board.ui.screens.department import DepartmentScreen
from board.ui.screens.project import ProjectScreen
from board.ui.widgets.departments import DepartmentCards
from board.ui.widgets.projects import ProjectsTable
from tests.conftest import TODAY, make_app, settle, text_of, wait_for, write_sql

WIDE = (160, 48)
ZH = zh_cn.STRINGS
HAVE_TMUX = shutil.which("tmux") is not None
needs_tmux = pytest.mark.skipif(not HAVE_TMUX, reason="needs tmux (CI installs it)")


# --- helpers ---------------------------------------------------------------------------------


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOARD_DB", "BOARD_LANG", "TMUX")}
    env["BOARD_KEYMAP"] = "/nonexistent/board-keymap.toml"
    env["TERM"] = "xterm-256color"
    return env


def board_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "board", *args]


def run_board(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`board ARGS` in a child process, stdin closed (a board that opened by mistake fails)."""
    return subprocess.run(
        board_cmd(*args),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


async def run_board_async(*args: str, cwd: Path, timeout: float = 60) -> tuple[int, str, str]:
    """The same, awaited, so the app under test keeps running meanwhile."""
    proc = await asyncio.create_subprocess_exec(
        *board_cmd(*args),
        cwd=cwd,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def run_async(*argv: str, timeout: float = 30) -> None:
    proc = await asyncio.create_subprocess_exec(*argv, stdin=subprocess.DEVNULL)
    assert await asyncio.wait_for(proc.wait(), timeout) == 0, argv


def one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """The run failed the way a user should see it: one line on stderr, the exit code."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.returncode == code, (result.returncode, result.stderr)
    return lines[0]


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """Read with plain sqlite3 (a read-write connection: it also rolls back a hot journal)."""
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def one(db: Path, sql: str) -> Any:
    return query(db, sql)[0][0]


def names(app: BoardApp) -> list[str]:
    assert app.board is not None
    return [p.name for p in app.board.snapshot.projects]


def cell_texts(app: BoardApp) -> str:
    table = app.overview.query_one(ProjectsTable)  # type: ignore[union-attr]
    return "\n".join(" ".join(row) for row in table.plain_rows())


def card_texts(app: BoardApp) -> str:
    cards = app.overview.query_one(DepartmentCards)  # type: ignore[union-attr]
    return "\n".join(plain for plain, _spans in cards._prompts.values())


def banner(app: BoardApp) -> str:
    widget = app.overview.query_one("#banner")  # type: ignore[union-attr]
    return text_of(widget) if widget.has_class("-on") else ""


def project_named(app: BoardApp, code: str) -> Any:
    assert app.board is not None
    return next(p for p in app.board.snapshot.projects if p.code == code)


def demo_copy(tmp_path: Path, name: str, sql: str = "") -> Path:
    """Another demo file (checkpointed, no -wal), optionally changed by plain sqlite3."""
    path = tmp_path / name
    build_demo(path, TODAY)
    if sql:
        write_sql(path, sql)
    return path


def to_delete_journal(db: Path) -> None:
    write_sql(db, "SELECT 1;", journal="DELETE")
    assert one(db, "PRAGMA journal_mode") == "delete"


def corrupt_pages(db: Path, tables: tuple[str, ...], seed: int = 6) -> list[int]:
    """Random bytes over every page of `tables` (found with dbstat), in place."""
    placeholders = ", ".join("?" for _ in tables)
    con = sqlite3.connect(db)
    try:
        pages = [
            r[0]
            for r in con.execute(
                f"SELECT pageno FROM dbstat WHERE name IN ({placeholders})", tables
            )
        ]
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
    finally:
        con.close()
    rng = random.Random(seed)
    with db.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * page_size)
            handle.write(rng.randbytes(page_size))
    return pages


def corrupt_middle(db: Path, seed: int = 6) -> None:
    """Random bytes over the middle half of the file's pages, in place (header intact)."""
    page_size = one(db, "PRAGMA page_size")
    count = db.stat().st_size // page_size
    rng = random.Random(seed)
    with db.open("r+b") as handle:
        handle.seek(count // 4 * page_size)
        handle.write(rng.randbytes((count * 3 // 4 - count // 4) * page_size))


def spawn_python(script: str, *args: str, stderr: Path | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=stderr.open("wb") if stderr is not None else subprocess.DEVNULL,
        env=clean_env(),
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End a child this test started (by its pid), whatever state it is in."""
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


# --- 1. An exclusive lock held for seconds by another process --------------------------------

HOLD_LOCK = """
import pathlib, sqlite3, sys, time
db, ready, seconds, sql = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
con = sqlite3.connect(db, timeout=10, isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
con.execute(sql)
pathlib.Path(ready).touch()
time.sleep(seconds)
con.execute("COMMIT")
con.close()
"""


@pytest.mark.parametrize(("journal", "seconds"), [("DELETE", 7.5), ("WAL", 3.0)])
async def test_exclusive_lock_keeps_keys_and_last_data(
    demo_db: Path, tmp_path: Path, journal: str, seconds: float
) -> None:
    """DELETE journal (network shares): readers are shut out, the board says 等待数据库 and
    keeps its data. WAL: readers are never blocked, so there is nothing to wait for. Either
    way the keys work during the lock and the change written under it shows after."""
    if journal == "DELETE":
        to_delete_journal(demo_db)
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = names(app)
        ready = tmp_path / "locked"
        holder = spawn_python(
            HOLD_LOCK,
            str(demo_db),
            str(ready),
            str(seconds),
            "UPDATE projects SET name = '锁住时改的名' WHERE code = 'KF-01'",
        )
        try:
            await wait_for(pilot, ready.exists, timeout=15, what="the lock taken")
            await pilot.press("r")  # a read now, while the lock is held
            if journal == "DELETE":
                await wait_for(
                    pilot,
                    lambda: app.error is not None and app.error.kind == "locked",
                    timeout=seconds + 5,
                    what="the read to give up waiting",
                )
                assert holder.poll() is None, "the lock was released too early to prove much"
                assert "等待数据库" in banner(app) and "09:41" in banner(app)
            # Keys are handled while the lock is still held: no read on the UI thread.
            assert app.state.light_filter == "all"
            await pilot.press("f")
            await wait_for(pilot, lambda: app.state.light_filter == "red", timeout=2)
            await pilot.press("f")
            await wait_for(pilot, lambda: app.state.light_filter == "red_amber", timeout=2)
            assert holder.poll() is None
            assert names(app) == before  # the last data, not a blank board
            await wait_for(
                pilot,
                lambda: "锁住时改的名" in names(app),
                timeout=seconds + 15,
                what="the change written under the lock",
            )
            assert app.error is None and banner(app) == ""
            assert holder.wait(timeout=10) == 0
        finally:
            stop(holder)


# --- 2/3. File deleted and recreated; replaced by cp (same inode) ----------------------------


async def test_deleted_file_recreated_by_board_demo(demo_db: Path, tmp_path: Path) -> None:
    """(Deleted and copied back: tests/test_live.py.) Here `board demo` makes a new file."""
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = names(app)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{demo_db}{suffix}").unlink(missing_ok=True)
        await wait_for(
            pilot,
            lambda: app.error is not None and app.error.kind == "missing",
            timeout=10,
            what="the missing file noticed",
        )
        assert "数据暂不可读 · 显示 09:41 的数据" in banner(app)
        assert "数据库不存在" in banner(app)
        assert names(app) == before
        code, _out, err = await run_board_async(
            "demo", "--no-open", "--db", str(demo_db), "--today", TODAY.isoformat(), cwd=tmp_path
        )
        assert code == 0, err
        await wait_for(pilot, lambda: app.error is None, timeout=10, what="recovery")
        assert banner(app) == ""
        # The new file is the one followed from now on.
        write_sql(demo_db, "UPDATE projects SET name = '重建后的写入' WHERE code = 'KF-03';")
        await wait_for(pilot, lambda: "重建后的写入" in names(app), timeout=10, what="new write")


@pytest.mark.parametrize("journal", ["WAL", "DELETE"])
async def test_file_replaced_by_cp_over_it(demo_db: Path, tmp_path: Path, journal: str) -> None:
    """`cp new.db board.db` rewrites the same inode: the board must not keep reading pages it
    cached from the old content. (Replaced by rename: tests/test_live.py.)"""
    if journal == "DELETE":
        to_delete_journal(demo_db)
    incoming = demo_copy(
        tmp_path,
        "incoming.db",
        "UPDATE projects SET name = 'cp 送来的新内容' WHERE code = 'KF-02';",
    )
    if journal == "DELETE":
        to_delete_journal(incoming)
    inode = demo_db.stat().st_ino
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await run_async("cp", str(incoming), str(demo_db))
        assert demo_db.stat().st_ino == inode
        await wait_for(pilot, lambda: "cp 送来的新内容" in names(app), timeout=10, what="cp seen")
        assert app.error is None
        write_sql(demo_db, "UPDATE projects SET name = 'cp 之后的写入' WHERE code = 'KF-04';")
        await wait_for(pilot, lambda: "cp 之后的写入" in names(app), timeout=10, what="next write")
        assert "cp 送来的新内容" in names(app)


@pytest.mark.parametrize("how", ["mv", "cp"])
async def test_file_replaced_after_a_board_write_while_a_display_runs(
    demo_db: Path, tmp_path: Path, how: str
) -> None:
    """A write by `board pledge add`, then the file replaced: the new file's content, and only
    it, must be what every reader sees. The display's open connection means the CLI is never
    the last connection to close, so board's writer folds its commit into the main file itself
    (an empty WAL): SQLite has no old frames to lay over the replacement."""
    incoming = demo_copy(
        tmp_path, "incoming.db", "UPDATE projects SET name = '替换进来的文件' WHERE code = 'KF-01';"
    )
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        code, _out, err = await run_board_async(
            "--db", str(demo_db), "pledge", "add", "--dept", "土地局", "--due", "2026-12-31",
            "替换前写入", cwd=tmp_path,
        )  # fmt: skip
        assert code == 0, err
        await wait_for(
            pilot,
            lambda: any(p.content == "替换前写入" for p in app.board.snapshot.pledges),  # type: ignore[union-attr]
            timeout=10,
        )
        assert Path(f"{demo_db}-wal").stat().st_size == 0  # folded into the main file
        with app.source._lock:  # no read half-way through a `cp`: one clean replacement
            await run_async(how, str(incoming), str(demo_db))
        await wait_for(pilot, lambda: "替换进来的文件" in names(app), timeout=10, what="new file")
        await pilot.pause(0.5)
        assert app.board is not None
        shown = [p.content for p in app.board.snapshot.pledges]
        on_disk = one(demo_db, "SELECT count(*) FROM pledges WHERE content = '替换前写入'")
        # The replacement never held this pledge: it comes from the old file's WAL.
        assert "替换前写入" not in shown and on_disk == 0, (shown[-3:], on_disk)


# --- 4. Corruption in place, repaired; a corrupt file at startup -----------------------------


async def test_corrupted_in_place_then_repaired(demo_db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    shutil.copy(demo_db, good)
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = names(app)
        inode = demo_db.stat().st_ino
        pages = corrupt_pages(demo_db, ("projects", "pledges", "blockers"))
        assert pages and demo_db.stat().st_ino == inode
        await wait_for(
            pilot,
            lambda: app.error is not None and app.error.kind == "corrupt",
            timeout=10,
            what="the corruption noticed",
        )
        assert "数据库文件已损坏" in banner(app) and "09:41" in banner(app)
        assert names(app) == before
        await pilot.press("f")  # still alive and answering
        assert app.state.light_filter == "red"
        await run_async("cp", str(good), str(demo_db))
        await wait_for(pilot, lambda: app.error is None, timeout=10, what="recovery")
        assert banner(app) == ""
        write_sql(demo_db, "UPDATE projects SET name = '修复后的写入' WHERE code = 'KF-01';")
        await wait_for(pilot, lambda: "修复后的写入" in names(app), timeout=10)


def test_corrupt_file_at_startup_is_one_line(demo_db: Path, tmp_path: Path) -> None:
    """The middle half of the pages overwritten (the header intact): one line, exit 2, no
    board. (A garbage header: tests/test_cli_errors.py::test_corrupt_sqlite.)"""
    corrupt_middle(demo_db)
    line = one_line_error(run_board("--db", str(demo_db), cwd=tmp_path, timeout=30))
    assert line == ZH["err.prefix"] + ZH["err.corrupt"].format(path=demo_db)


def test_corrupt_blockers_at_startup_is_one_line(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the blockers' pages overwritten: `board` must still refuse in one line, not open
    a full screen that can only show a banner over nothing (found by this matrix: the startup
    check read the schema and count(*) of projects only; it now runs quick_check). In-process,
    with the board itself replaced by a stub, so the test cannot hang on a terminal."""
    import board.ui.app
    from board.cli import main

    corrupt_pages(demo_db, ("blockers",))
    opened: list[Path] = []
    monkeypatch.setattr(board.ui.app, "run_board", lambda db, _o: opened.append(db) or 0)
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(demo_db)])
    assert opened == [], "the board was started on a corrupt file"
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("journal", ["WAL", "DELETE"])
def test_damage_in_place_is_found_by_the_next_poll(demo_db: Path, journal: str) -> None:
    """The store level of the test above. In DELETE mode every commit rewrites the main file
    and is loaded incrementally (only the rows change_log names); a rewrite that no commit
    made (data_version unmoved) gets a full read, which meets the damaged pages."""
    from board.errors import BoardError
    from board.store.source import SnapshotSource

    if journal == "DELETE":
        to_delete_journal(demo_db)
    source = SnapshotSource(demo_db)
    try:
        assert source.poll(force=True) is not None
        write_sql(demo_db, "UPDATE projects SET progress = 61 WHERE code = 'KF-01';")
        snapshot = source.poll()
        assert snapshot is not None
        assert next(p.progress for p in snapshot.projects if p.code == "KF-01") == 61
        assert source._incremental_loads == 1  # a commit: the incremental path
        corrupt_pages(demo_db, ("blockers",))
        with pytest.raises(BoardError) as error:
            source.poll()
        assert error.value.kind == "corrupt"
    finally:
        source.close()


# --- 5. A newer board wrote the file -----------------------------------------------------------


async def test_newer_schema_while_running(demo_db: Path) -> None:
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        before = names(app)
        write_sql(demo_db, "UPDATE board_meta SET value = '99' WHERE key = 'schema_version';")
        await wait_for(
            pilot,
            lambda: app.error is not None and app.error.kind == "newer",
            timeout=10,
            what="the newer schema noticed",
        )
        assert "更新版本的看板" in banner(app) and "99" in banner(app)
        assert names(app) == before
        await pilot.press("s")  # keys still work
        assert app.state.sort == "stage"
        write_sql(
            demo_db,
            f"UPDATE board_meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version';",
        )
        await wait_for(pilot, lambda: app.error is None, timeout=10, what="back to normal")


# --- a terminal of our own (tmux on a private socket) ----------------------------------------


class Tmux:
    """A tmux server on its own socket: nothing of the user's tmux is touched, and the whole
    server is killed at the end."""

    def __init__(self) -> None:
        self.socket = f"board-faults-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.socket_path = ""

    def __call__(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=check,
            env=clean_env(),
        )
        return result.stdout

    def start(self, name: str, command: str, cwd: Path, size: tuple[int, int] = WIDE) -> None:
        self(
            "new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]),
            "-c", str(cwd), command,
        )  # fmt: skip
        if not self.socket_path:
            self.socket_path = self("display-message", "-p", "#{socket_path}").strip()

    def screen(self, name: str) -> str:
        return self("capture-pane", "-p", "-t", name)

    def info(self, name: str, fmt: str) -> str:
        return self("display-message", "-p", "-t", name, fmt).strip()

    def wait_until(self, name: str, shown: Callable[[str], bool], timeout: float, what: str) -> str:
        deadline = time.monotonic() + timeout
        while not shown(screen := self.screen(name)):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{screen}")
            time.sleep(0.1)
        return screen

    def board_pid(self, name: str) -> int:
        """The board process: the only child of the pane's shell."""
        shell = self.info(name, "#{pane_pid}")
        children = ps("-o", "pid=", "--ppid", shell).split()
        assert len(children) == 1, children
        return int(children[0])

    def close(self) -> None:
        """Kill the server; then anything still running in its panes (a board that hangs once
        its terminal is gone, see test_board_ends_after_its_terminal_is_gone) is killed by
        pid: no test leaves a process behind."""
        started = [
            int(pid)
            for shell in self("list-panes", "-a", "-F", "#{pane_pid}", check=False).split()
            for pid in ps("-o", "pid=", "--ppid", shell).split()
        ]
        self("kill-server", check=False)
        deadline = time.monotonic() + 3
        for pid in started:
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def ps(*args: str) -> str:
    return subprocess.run(["ps", *args], capture_output=True, text=True, timeout=10).stdout


@contextlib.contextmanager
def tmux_server() -> Iterator[Tmux]:
    server = Tmux()
    try:
        yield server
    finally:
        server.close()


def board_shell(db: Path, *extra: str, wrapper: tuple[str, ...] = ()) -> str:
    """The pane's command: run the board, then say how it ended and whether the terminal is
    back in cooked mode (echo and canonical input on), and keep the pane open to be read."""
    board = shlex.join(
        [*wrapper, *board_cmd("--db", str(db), "--today", TODAY.isoformat(), *extra)]
    )
    raw = "stty -a | tr -s ' ;' '\\n\\n' | grep -qx -e -icanon -e -echo"
    return f"{board}; echo EXITED-$?; if {raw}; then echo TTY-RAW; else echo TTY-OK; fi; sleep 60"


# --- 6. Concurrent writers while two displays and an edit board run -------------------------

WRITES = 50
WRITER = """
import os, sys, time
from pathlib import Path
from board.cli import main

db, tag, ready, go, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
Path(ready).touch()
deadline = time.monotonic() + 60
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.005)
failures = 0
for i in range(count):
    try:
        main(["--db", db, "pledge", "add", "--dept", "土地局", "--due", "2026-12-31",
              "--", f"{tag}-{i:03d}"])
    except SystemExit as exc:
        failures += exc.code != 0
sys.exit(1 if failures else 0)
"""


@needs_tmux
async def test_concurrent_writers_two_displays_and_an_edit(
    demo_db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """4 processes × WRITES `board pledge add` (in-process `board.cli.main`, so Python starts
    once per writer), two real `board` displays in tmux, and this test's board in --edit mode
    marking a pledge done with `x` in the middle of it all."""
    caplog.set_level(logging.WARNING, logger="board")
    target = one(
        demo_db,
        "SELECT p.id FROM pledges p JOIN departments d ON d.id = p.department_id "
        "WHERE d.name = '土地局' AND p.status = 'open' ORDER BY p.due_on LIMIT 1",
    )
    logs = [tmp_path / f"display-{n}.log" for n in range(2)]
    go = tmp_path / "go"
    readies = [tmp_path / f"ready-{n}" for n in range(4)]
    errs = [tmp_path / f"writer-{n}.err" for n in range(4)]
    options = DisplayOptions(today=TODAY, edit=True)
    app = make_app(demo_db, options=options)
    with tmux_server() as tmux:
        for n, log in enumerate(logs):
            tmux.start(f"display{n}", board_shell(demo_db, "--log", str(log)), tmp_path)
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            for n in range(2):
                await asyncio.to_thread(
                    tmux.wait_until, f"display{n}", lambda s: "距冬季停工" in s, 30, "display up"
                )
            baseline = one(demo_db, "SELECT coalesce(max(id), 0) FROM change_log")
            land = next(d.id for d in app.board.snapshot.departments if d.name == "土地局")  # type: ignore[union-attr]
            app.open_department(land)
            await pilot.pause()
            writers = [
                spawn_python(
                    WRITER, str(demo_db), f"w{n}", str(readies[n]), str(go), str(WRITES),
                    stderr=errs[n],
                )
                for n in range(4)
            ]  # fmt: skip
            try:
                await wait_for(pilot, lambda: all(r.exists() for r in readies), timeout=30)
                go.touch()  # all four start together
                await wait_for(
                    pilot,
                    lambda: (
                        one(demo_db, "SELECT count(*) FROM pledges WHERE content GLOB 'w*-*'")
                        >= WRITES
                    ),
                    timeout=60,
                    what="the storm under way",
                )
                screen = app.screen
                assert isinstance(screen, DepartmentScreen)
                pledges = screen.query_one("#pledges")
                assert pledges.select_id(f"pledge-{target}")  # type: ignore[attr-defined]
                pledges.focus()
                await pilot.pause()
                await pilot.press("x")  # 完成 is asked first, then confirmed
                await wait_for(
                    pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", what="asked"
                )
                await pilot.press("y")
                for proc in writers:
                    assert await asyncio.to_thread(proc.wait, 120) == 0
            finally:
                for proc in writers:
                    stop(proc)

            for err in errs:
                message = err.read_text(encoding="utf-8")
                assert message == "", message  # no "database is locked", nothing at all
            tags = [
                r[0]
                for r in query(demo_db, "SELECT content FROM pledges WHERE content GLOB 'w[0-3]-*'")
            ]
            assert sorted(tags) == sorted(f"w{n}-{i:03d}" for n in range(4) for i in range(WRITES))
            logged = query(
                demo_db,
                "SELECT new_value, count(*) FROM change_log WHERE table_name = 'pledges' "
                "AND action = 'insert' AND new_value GLOB 'w[0-3]-*' GROUP BY new_value",
            )
            assert len(logged) == 4 * WRITES and all(count == 1 for _, count in logged)
            await wait_for(
                pilot,
                lambda: one(demo_db, f"SELECT status FROM pledges WHERE id = {target}") == "done",
                timeout=20,
                what="the edit written",
            )
            status_updates = one(
                demo_db,
                "SELECT count(*) FROM change_log WHERE table_name = 'pledges' AND row_id = "
                f"{target} AND column_name = 'status'",
            )
            assert status_updates == 1
            assert one(demo_db, "PRAGMA integrity_check") == "ok"

            # Every display ends on the final state: all the changes since it started.
            final = one(demo_db, "SELECT max(id) FROM change_log") - baseline
            await wait_for(
                pilot, lambda: app.fresh.changes == final, timeout=20, what="final state here"
            )
            tagged = [p for p in app.board.snapshot.pledges if p.content.startswith("w")]  # type: ignore[union-attr]
            assert len(tagged) >= 4 * WRITES
            for n in range(2):
                await asyncio.to_thread(
                    tmux.wait_until,
                    f"display{n}",
                    lambda s: f"变更 {final}" in s,
                    30,
                    f"变更 {final} on display {n}",
                )
            faults = [r.getMessage() for r in caplog.records if "fault kind=" in r.getMessage()]
            assert faults == []
        for n, log in enumerate(logs):
            tmux("send-keys", "-t", f"display{n}", "q")
            await asyncio.to_thread(
                tmux.wait_until, f"display{n}", lambda s: "EXITED-0" in s, 15, "display quit"
            )
            text = log.read_text(encoding="utf-8")
            assert "read data_version=" in text and "fault kind=" not in text, text[-2000:]


LOCK_PROBE = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    con.execute("BEGIN IMMEDIATE")
    print("GOT")
except sqlite3.OperationalError as exc:
    print("REFUSED", exc)
"""


def test_checking_the_file_keeps_this_process_locks(demo_db: Path) -> None:
    """`check_file` (which every Writer runs first, the --edit board's included) and the
    display's reconnect look at the file's header. Read with open()/close(), that dropped every
    POSIX lock this process held on the file: with a rollback journal, the write lock of a
    transaction in progress, so another process could write at the same time."""
    from sqlalchemy import text

    from board.store.engine import looks_like_sqlite, make_engine
    from board.store.schema import check_file

    to_delete_journal(demo_db)
    engine = make_engine(demo_db, read_only=False)
    try:
        with engine.connect() as conn, conn.begin():  # BEGIN IMMEDIATE: the write lock
            conn.execute(text("UPDATE projects SET progress = 1 WHERE code = 'KF-01'"))
            assert looks_like_sqlite(demo_db)
            check_file(demo_db)
            probe = subprocess.run(
                [sys.executable, "-c", LOCK_PROBE, str(demo_db)],
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert probe.stdout.startswith("REFUSED"), probe.stdout + probe.stderr
    finally:
        engine.dispose()


# --- 7. A writer killed with SIGKILL mid-transaction -----------------------------------------

PARTIAL_WRITER = """
import pathlib, sqlite3, sys, time
db, ready = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db, timeout=10, isolation_level=None)
con.execute("PRAGMA cache_size = 10")  # spill uncommitted pages to the file before commit
con.execute("BEGIN IMMEDIATE")
dept = con.execute("SELECT id FROM departments WHERE name = '土地局'").fetchone()[0]
con.executemany(
    "INSERT INTO pledges (department_id, content, due_on, status) "
    "VALUES (?, ?, '2026-12-31', 'open')",
    [(dept, f"partial-{i:05d}" + "x" * 200) for i in range(5000)],
)
con.execute("UPDATE projects SET name = 'partial-name' WHERE code = 'KF-01'")
pathlib.Path(ready).touch()
time.sleep(120)
"""


async def kill_partial_writer(pilot: Any, db: Path, tmp_path: Path) -> None:
    """Start PARTIAL_WRITER, wait until its rows are written but not committed, SIGKILL it."""
    ready = tmp_path / "written"
    writer = spawn_python(PARTIAL_WRITER, str(db), str(ready))
    try:
        await wait_for(pilot, ready.exists, timeout=30, what="the uncommitted rows")
        os.kill(writer.pid, signal.SIGKILL)
        assert writer.wait(timeout=10) == -signal.SIGKILL
    finally:
        stop(writer)


@pytest.mark.parametrize("journal", ["WAL", "DELETE"])
async def test_writer_killed_mid_transaction(demo_db: Path, tmp_path: Path, journal: str) -> None:
    """Nothing of the killed transaction is ever shown; the next write (plain sqlite3, then
    board) works and the board follows it. In DELETE mode the killed writer leaves a hot
    journal that a read-only display may not roll back: it waits (等待数据库, not "no write
    permission") until the next writer opens the file, then recovers by itself."""
    if journal == "DELETE":
        to_delete_journal(demo_db)
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.board is not None
        pledges_before = len(app.board.snapshot.pledges)
        seen: list[bool] = []
        app.on_applied = lambda board: seen.append(
            any(p.content.startswith("partial-") for p in board.snapshot.pledges)
        )
        await kill_partial_writer(pilot, demo_db, tmp_path)
        if journal == "DELETE":
            assert Path(f"{demo_db}-journal").exists()
        await pilot.press("r")
        if journal == "DELETE":
            await wait_for(
                pilot, lambda: app.error is not None, timeout=15, what="the hot journal noticed"
            )
            assert app.error is not None and app.error.kind == "locked", app.error
            assert "等待数据库" in banner(app)
        write_sql(
            demo_db,
            "INSERT INTO pledges (department_id, content, due_on, status) SELECT id, "
            "'杀掉之后的写入', '2026-12-31', 'open' FROM departments WHERE name = '土地局';",
        )
        code, _out, err = await run_board_async(
            "--db", str(demo_db), "pledge", "add", "--dept", "土地局", "--due", "2026-12-31",
            "再用 board 写一条", cwd=tmp_path,
        )  # fmt: skip
        assert code == 0, err

        def both_shown() -> bool:
            contents = {p.content for p in app.board.snapshot.pledges}  # type: ignore[union-attr]
            return app.error is None and {"杀掉之后的写入", "再用 board 写一条"} <= contents

        await wait_for(pilot, both_shown, timeout=15, what="the next writes shown")
        assert app.board is not None
        assert len(app.board.snapshot.pledges) == pledges_before + 2
        assert "partial-name" not in names(app)
        assert not any(seen), "a partial row was on screen"
    assert one(demo_db, "PRAGMA integrity_check") == "ok"
    assert one(demo_db, "SELECT count(*) FROM pledges WHERE content GLOB 'partial-*'") == 0


async def test_board_is_the_next_writer_after_a_killed_one_in_delete_mode(
    demo_db: Path, tmp_path: Path
) -> None:
    """DELETE journal (network shares), a writer killed mid-transaction, and the next write is
    `board pledge add`: it must work. (Found by this matrix: Writer checked the file through a
    read-only connection, which may not roll the hot journal back, so every board write, --edit
    and import refused with exit 2 until another tool opened the file read-write.)"""
    to_delete_journal(demo_db)
    app = make_app(demo_db, safety_poll=3600)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await kill_partial_writer(pilot, demo_db, tmp_path)
    assert Path(f"{demo_db}-journal").exists()
    result = run_board(
        "--db", str(demo_db), "pledge", "add", "--dept", "土地局", "--due", "2026-12-31",
        "board 是下一个写入者", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_import_killed_mid_way(demo_db: Path, tmp_path: Path) -> None:
    """`board import` of a big CSV killed while it holds the write lock: no row of it is
    visible, the file is intact, and the next write (and import) works."""
    big = tmp_path / "big.csv"
    lines = ["表态单位,表态内容,完成时限"]
    lines += [f"土地局,导入-{i:05d},2026-12-31" for i in range(20000)]
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pledges_before = one(demo_db, "SELECT count(*) FROM pledges")
    importer = subprocess.Popen(
        board_cmd("import", "--db", str(demo_db), "--sheet", "表态", str(big)),
        cwd=tmp_path,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The importer holds the write lock from its first check to its commit: try for the
        # lock without waiting until it is refused, then kill the importer there.
        probe = sqlite3.connect(demo_db, timeout=0, isolation_level=None)
        deadline = time.monotonic() + 60
        holding = False
        while not holding and importer.poll() is None and time.monotonic() < deadline:
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                time.sleep(0.02)
            except sqlite3.OperationalError as exc:
                assert "locked" in str(exc)
                holding = True
        probe.close()
        assert holding, "the import never held the write lock (it finished too fast?)"
        os.kill(importer.pid, signal.SIGKILL)
        assert importer.wait(timeout=10) == -signal.SIGKILL
    finally:
        stop(importer)

    from board.store.source import SnapshotSource

    source = SnapshotSource(demo_db)
    try:
        snapshot = source.poll(force=True)
        assert snapshot is not None
        assert len(snapshot.pledges) == pledges_before
        assert not any(p.content.startswith("导入-") for p in snapshot.pledges)
    finally:
        source.close()
    assert one(demo_db, "PRAGMA integrity_check") == "ok"
    assert one(demo_db, "SELECT count(*) FROM pledges") == pledges_before
    small = tmp_path / "small.csv"
    small.write_text("表态单位,表态内容,完成时限\n土地局,导入之后,2026-12-31\n", encoding="utf-8")
    result = run_board("import", "--db", str(demo_db), "--sheet", "表态", str(small), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run_board(
        "--db", str(demo_db), "pledge", "add", "--dept", "土地局", "--due", "2026-12-31",
        "再写一条", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert one(demo_db, "SELECT count(*) FROM pledges") == pledges_before + 2


# --- 8. Hostile content written by raw sqlite3 ------------------------------------------------

RAW_WRITER = """
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
con.execute("PRAGMA ignore_check_constraints = ON")  # codes outside the CHECK lists
con.execute("BEGIN IMMEDIATE")
for sql, params in json.loads(sys.stdin.read()):
    con.execute(sql, [float(p[4:]) if isinstance(p, str) and p.startswith("num:") else p
                      for p in params])
con.execute("COMMIT")
con.close()
"""


def write_raw(db: Path, statements: list[tuple[str, list[Any]]]) -> None:
    """Statements with parameters (any text: NUL, ESC, 10,000 characters) from a second
    process with plain sqlite3; foreign keys off, CHECK constraints ignored. A parameter
    "num:X" is passed as float(X) (JSON has no infinity)."""
    payload = json.dumps(statements, ensure_ascii=False)
    subprocess.run(
        [sys.executable, "-c", RAW_WRITER, str(db)],
        input=payload.encode(),
        check=True,
        timeout=30,
    )


MARKUP = "[/b][red]红[/][link=https://example.invalid]点这里[/link]"
CONTROL = "控制\x1b[31m字符\x07\x00制表\t换行\n回车\r"
WIDE_TEXT = "🚧工程👷\u200d♀️ｗｉｄｅ全角 e\u0301 \u202eRTL\u202c"
LONG = "长" * 10_000
DEPT = "[b]恶意部门[/b]\x1b[31m"
PROJECT_COLUMNS = (
    "code, name, category, stage, progress, progress_note, lead_department_id, responsible, "
    "leader, owner, location, total_investment, year_plan_investment, year_done_investment, "
    "signed_on, landed_on, started_on, completed_on, producing_on, planned_start_on, "
    "planned_complete_on, updated_at"
)


def project_row(code: str, name: str, **values: Any) -> tuple[str, list[Any]]:
    """A project with every nullable column NULL unless given."""
    columns = [c.strip() for c in PROJECT_COLUMNS.split(",")]
    row = {c: None for c in columns}
    row.update(code=code, name=name, category="investment", stage="signed", progress=0)
    row.update(values)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO projects ({PROJECT_COLUMNS}) VALUES ({marks})", [row[c] for c in columns]


def dept_id(name: str) -> str:
    return f"(SELECT id FROM departments WHERE name = '{name}')"


def project_id(code: str) -> str:
    return f"(SELECT id FROM projects WHERE code = '{code}')"


HOSTILE: list[tuple[str, list[Any]]] = [
    ("INSERT INTO departments (name, short_name, kind, sort_order) VALUES (?, NULL, ?, ?)",
     [DEPT, "ministry", "abc"]),
    ("INSERT INTO departments (name) VALUES ('将被删除的部门')", []),
    project_row("H-MARKUP", MARKUP, responsible=MARKUP, owner="[bold]业主"),
    project_row("H-CTRL", CONTROL, progress_note=CONTROL, location="\x1b[2J\x1b[H"),
    project_row("H-WIDE", WIDE_TEXT, leader=WIDE_TEXT),
    project_row("H-LONG", LONG, progress_note="x" * 10_000, owner=LONG),
    project_row("H-NULL", "全部为空的项目"),
    project_row(
        "H-DATES", "日期不是日期", stage="started", signed_on="tomorrow", landed_on="2026-02-30",
        started_on="2026/11/29", planned_start_on="0000-00-00", planned_complete_on="soon",
    ),
    project_row("H-CODES", "代码越界", category="weather", stage="已开工", progress=150),
    project_row(
        "H-INF", "无穷大投资", total_investment="num:inf", year_done_investment="num:1e308"
    ),
    project_row("H-LONGBAD", "长名坏日期" + LONG, signed_on="not a date"),
    project_row("H-ORPHAN", "部门已删除的项目"),
    ("INSERT INTO projects (code, name, category, stage, progress) VALUES "
     "('H-GBK', CAST(X'b9a4b3cc' AS TEXT) || '（GBK 写入）', 'investment', 'signed', 0)", []),
    (f"UPDATE projects SET lead_department_id = {dept_id('将被删除的部门')} "
     "WHERE code = 'H-ORPHAN'", []),
    (f"UPDATE projects SET lead_department_id = {dept_id(DEPT)} "
     "WHERE code IN ('H-MARKUP', 'H-CTRL')", []),
    ("INSERT INTO pledges (department_id, project_id, meeting_id, content, due_on, status, "
     f"done_on, note, updated_at) VALUES ({dept_id(DEPT)}, NULL, NULL, ?, 'tomorrow', 'maybe', "
     "NULL, ?, NULL)", ["[red]表态[/red]\x1b]0;title\x07\t\n", "注\x1b"]),
    ("INSERT INTO pledges (department_id, project_id, content, due_on, status, note) VALUES "
     f"({dept_id(DEPT)}, {project_id('H-CTRL')}, ?, NULL, 'open', ?)", [LONG, "注" * 10_000]),
    ("INSERT INTO pledges (department_id, content, due_on, status) VALUES "
     f"({dept_id(DEPT)}, ?, '2026-12-01', 'maybe')", ["长内容坏状态" + LONG]),
    ("INSERT INTO pledges (department_id, project_id, content, due_on, status) VALUES "
     f"({dept_id('将被删除的部门')}, {project_id('H-ORPHAN')}, '孤儿表态：有项目', "
     "'2026-12-01', 'open')", []),
    ("INSERT INTO pledges (department_id, content, due_on, status) VALUES "
     f"({dept_id('将被删除的部门')}, '孤儿表态：无项目', '2026-12-01', 'open')", []),
    ("INSERT INTO blockers (project_id, department_id, category, description, opened_on, "
     f"due_on, resolved_on, note) VALUES ({project_id('H-MARKUP')}, {dept_id(DEPT)}, "
     "'weather', ?, NULL, 'never', NULL, NULL)", ["[/]\x1b[2J清屏"]),
    ("INSERT INTO blockers (project_id, department_id, category, description) VALUES "
     f"({project_id('H-ORPHAN')}, {dept_id('将被删除的部门')}, 'land', '孤儿问题：部门已删除')",
     []),
    ("INSERT INTO meetings (held_on, title) VALUES ('not a date', ?)", ["[b]会\x1b[0m议"]),
    ("UPDATE board_meta SET value = ? WHERE key = 'zone_name'", ["[red]园区\x1b[31m"]),
    ("DELETE FROM departments WHERE name = '将被删除的部门'", []),
]  # fmt: skip


def no_control_characters(text: str) -> bool:
    return not any((ord(c) < 0x20 and c != "\n") or c in "\x7f\x1b" for c in text)


async def hostile_board(pilot: Any, db: Path) -> BoardApp:
    app: BoardApp = pilot.app
    await settle(pilot)
    write_raw(db, HOSTILE)
    await wait_for(
        pilot,
        lambda: (
            app.board is not None and "H-ORPHAN" in {p.code for p in app.board.snapshot.projects}
        ),
        timeout=10,
        what="the hostile rows loaded",
    )
    await pilot.pause()
    return app


def row_of(app: BoardApp, code: str) -> str:
    table = app.overview.query_one(ProjectsTable)  # type: ignore[union-attr]
    assert table._board is not None
    for project, row in zip(table._projects, table.plain_rows(), strict=True):
        if project.code == code:
            return " ".join(row)
    raise AssertionError(f"{code} is not on the projects panel")


async def test_hostile_content_is_shown_as_typed_and_bad_rows_as_bad(demo_db: Path) -> None:
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        app = await hostile_board(pilot, demo_db)
        assert app.error is None and app.is_running
        cells = cell_texts(app)
        assert no_control_characters(cells)
        # Text as typed: markup is text, control characters are made visible.
        assert "[/b][red]红[/]" in row_of(app, "H-MARKUP")
        assert "控制␛[31m字符␇␀" in row_of(app, "H-CTRL")
        assert "🚧工程" in row_of(app, "H-WIDE")
        long_row = row_of(app, "H-LONG")
        assert "长长长" in long_row and "…" in long_row and len(long_row) < 400
        assert "全部为空的项目" in row_of(app, "H-NULL")
        assert "�" in row_of(app, "H-GBK")  # GBK bytes in a TEXT column: not UTF-8
        # Bad values: the row stays, marked.
        for code in ("H-DATES", "H-CODES", "H-INF"):
            assert "⚠" in row_of(app, code), row_of(app, code)
        assert "（未知部" in row_of(app, "H-ORPHAN")  # （未知部门 #N）, cut to the column
        dates = project_named(app, "H-DATES")
        assert {"signed_on", "landed_on", "started_on", "planned_start_on"} <= set(dates.problems)
        codes = project_named(app, "H-CODES")
        assert {"category", "stage", "progress"} <= set(codes.problems)
        assert codes.progress == 100
        # The header and the department cards.
        header = text_of(app.overview.query_one("#header"))  # type: ignore[union-attr]
        assert "[red]园区␛[31m" in header
        cards = card_texts(app)
        assert no_control_characters(cards)
        assert "[b]恶意部门[/b]␛[31m" in cards
        assert "[red]表态[/red]␛]0;t" in cards and "⚠" in cards  # cut to the card width

        # Every hostile project opens, shows its text and says what is bad.
        expected_title = {
            "H-MARKUP": MARKUP,
            "H-CTRL": "控制␛[31m字符␇␀制表 换行 回车",
            "H-WIDE": "🚧工程👷",
            "H-LONG": "长" * 50,
        }
        for code in ("H-MARKUP", "H-CTRL", "H-WIDE", "H-LONG", "H-NULL", "H-DATES", "H-CODES",
                     "H-INF", "H-ORPHAN", "H-LONGBAD", "H-GBK"):  # fmt: skip
            app.open_project(project_named(app, code).id)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ProjectScreen)
            title = text_of(screen.query_one("#detail-title"))
            body = text_of(screen.query_one("#detail-head")) + text_of(
                screen.query_one("#detail-body")
            )
            body += "".join(p for p, _ in screen.query_one("#milestones")._prompts.values())  # type: ignore[attr-defined]
            assert no_control_characters(title + body), code
            assert expected_title.get(code, "") in title, (code, title)
            if code in ("H-DATES", "H-CODES", "H-INF", "H-LONGBAD"):
                assert "⚠" in body, code
            if code == "H-ORPHAN":
                assert "孤儿表态：有项目" in body and "孤儿问题：部门已删除" in body
            await pilot.press("escape")
            await pilot.pause()
        # The hostile department's page: its pledges (one bad), projects and blockers.
        dept = next(d for d in app.board.snapshot.departments if d.name == DEPT)  # type: ignore[union-attr]
        app.open_department(dept.id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DepartmentScreen)
        page = "\n".join(
            [text_of(screen.query_one("#detail-title")), text_of(screen.query_one("#detail-body"))]
            + [plain for plain, _ in screen.query_one("#pledges")._prompts.values()]  # type: ignore[attr-defined]
        )
        assert no_control_characters(page)
        print(page)
        assert "[red]表态[/red]␛]0;title␇" in page and "⚠" in page
        assert "[/]␛[2J清屏" in page
        await pilot.press("escape")
        # Since the last meeting, the slideshow, a refresh: still alive.
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("p")
        await pilot.pause(0.3)
        await pilot.press("p")
        await pilot.press("r")
        await wait_for(pilot, lambda: app.settled, timeout=10)
        assert app.error is None and app.is_running


async def test_pledge_of_a_deleted_department_is_not_hidden(demo_db: Path) -> None:
    """`DELETE FROM departments` with foreign keys off (sqlite3's default) leaves its pledges
    behind. One that names no project must still be on the board (found by this matrix: it was
    on no panel and no page at all)."""
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        app = await hostile_board(pilot, demo_db)
        assert "孤儿表态：无项目" in card_texts(app)


async def test_bad_blocker_is_marked_on_the_blockers_panel(demo_db: Path) -> None:
    """A blocker with category 'weather' and due date 'never' is listed (as 其他, no due date)
    and marked bad (found by this matrix: nothing said its values were bad)."""
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        app = await hostile_board(pilot, demo_db)
        blockers = app.overview.query_one("#blockers")  # type: ignore[union-attr]
        cards = [plain for plain, _ in blockers._prompts.values()]  # type: ignore[attr-defined]
        card = next(c for c in cards if "[/]␛[2J清屏" in c)
        assert "⚠" in card, card


async def test_bad_row_with_a_long_name_is_still_marked(demo_db: Path) -> None:
    """A bad row's ⚠ must survive the cut of a long name or content (found by this matrix: the
    mark came after the text and was cut off with it)."""
    app = make_app(demo_db, safety_poll=0.5)
    async with app.run_test(size=WIDE) as pilot:
        app = await hostile_board(pilot, demo_db)
        assert project_named(app, "H-LONGBAD").problems
        assert "⚠" in row_of(app, "H-LONGBAD")
        card = next(c for c in card_texts(app).split("\n") if "长内容坏状态" in c)
        assert "⚠" in card, card


@pytest.mark.parametrize("amount", ["inf", "-Infinity", "nan", "1e999"])
def test_write_commands_refuse_amounts_that_are_not_numbers(
    demo_db: Path, capsys: pytest.CaptureFixture[str], amount: str
) -> None:
    """`board project set KF-01 --year-done inf` must be a bad value (one line, exit 2). (Found
    by this matrix: it stored Infinity, or NULL for nan, said it did, and before the reader fix
    took every display down.)"""
    from board.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(demo_db), "project", "set", "KF-01", "--year-done", amount])
    assert exit_info.value.code == 2, capsys.readouterr()
    assert one(demo_db, "SELECT year_done_investment FROM projects WHERE code = 'KF-01'") not in (
        float("inf"),
        float("-inf"),
        None,
    )


# --- 9. The terminal: resized, hung up, terminated --------------------------------------------


async def test_resized_between_huge_and_tiny_repeatedly(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(240, 67)) as pilot:
        await settle(pilot)
        overview = app.overview
        assert overview is not None
        too_small = overview.query_one("#too-small")
        for round_ in range(4):
            if round_ == 2:  # once with a project page open on top
                app.open_project(app.board.snapshot.projects[0].id)  # type: ignore[union-attr]
                await pilot.pause()
            await pilot.resize_terminal(40, 12)
            await pilot.pause()
            assert overview.has_class("-too-small")
            if app.screen is overview:
                assert too_small.display and "请放大窗口" in text_of(too_small)
                assert not overview.query_one("#body").display
            await pilot.resize_terminal(240, 67)
            await pilot.pause()
            assert not overview.has_class("-too-small") and not overview.has_class("-narrow")
            if app.screen is overview:
                assert not too_small.display
                assert len([p for p in overview.query(".panel") if p.display]) == 4
            else:
                await pilot.press("escape")
                await pilot.pause()
        assert app.screen is overview and app.is_running
        assert "创业中心大楼" in cell_texts(app)


@needs_tmux
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP"])
def test_signal_ends_the_board_cleanly(demo_db: Path, tmp_path: Path, sig: str) -> None:
    """A real `board` in tmux gets SIGTERM (systemd, kill) or SIGHUP (the SSH session dropped):
    it exits 0, the terminal is back (main screen, cursor shown, mouse off, cooked mode), and
    the process is gone with all its threads (watchdog's included)."""
    with tmux_server() as tmux:
        tmux.start("board", board_shell(demo_db), tmp_path)
        tmux.wait_until("board", lambda s: "距冬季停工" in s, 30, "the board up")
        pid = tmux.board_pid("board")
        threads = ps("-T", "-o", "spid=", "-p", str(pid)).split()
        assert len(threads) > 1  # the watcher and Textual's threads
        children = ps("-o", "pid=", "--ppid", str(pid)).split()
        assert tmux.info("board", "#{alternate_on}") == "1"
        os.kill(pid, getattr(signal, sig))
        screen = tmux.wait_until("board", lambda s: "TTY-" in s, 15, "the board to exit")
        assert "EXITED-0" in screen and "TTY-OK" in screen, screen
        assert "Traceback" not in screen
        state = tmux.info("board", "#{alternate_on} #{cursor_flag} #{mouse_any_flag}")
        assert state == "0 1 0", state  # main screen, cursor visible, no mouse reporting
        assert not Path(f"/proc/{pid}").exists()
        for child in children:  # nothing it started outlives it
            assert not Path(f"/proc/{child}").exists(), ps("-o", "pid,ppid,cmd", "-p", child)


HUP_WRITER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=5, isolation_level=None)
for k in range(int(sys.argv[2])):
    con.execute("UPDATE projects SET progress = ? WHERE code = 'KF-01'", (k % 100,))
    time.sleep(0.02)
"""


@needs_tmux
def test_board_ends_after_its_terminal_is_gone(demo_db: Path, tmp_path: Path) -> None:
    """The SSH session drops: the terminal disappears, the data keeps changing, and the
    hang-up signal comes (here a moment later, as a login shell passes it on). The board must
    end. Today Textual's writer thread dies on the first write to the dead terminal (EIO), its
    bounded queue (30 writes) fills with the next redraws, and the event loop blocks in
    `queue.put` for ever: the signal handlers, which run on that loop, never run, and the
    board stays behind holding the database open. (`setsid` keeps the board out of the
    terminal's session, so only our own SIGHUP reaches it, after the redraws.)"""
    with tmux_server() as tmux:
        tmux.start("board", board_shell(demo_db, wrapper=("setsid",)), tmp_path)
        tmux.wait_until("board", lambda s: "距冬季停工" in s, 30, "the board up")
        pid = tmux.board_pid("board")
        try:
            tmux("kill-server")  # the terminal is gone
            subprocess.run(
                [sys.executable, "-c", HUP_WRITER, str(demo_db), "100"], check=True, timeout=60
            )
            os.kill(pid, signal.SIGHUP)
            deadline = time.monotonic() + 5
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not alive(pid), "the board outlived its terminal"
        finally:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


async def test_ctrl_c_ends_the_board(demo_db: Path) -> None:
    """Issue 6, item 9: SIGHUP, SIGTERM *and Ctrl+C* exit cleanly. In a terminal Textual reads
    Ctrl+C as a key (no SIGINT), so it is a binding (found by this matrix: Textual's own only
    showed a notice)."""
    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause(0.3)
    assert app.return_code == 0


# --- 10. Network share mode: --poll, DELETE journal ------------------------------------------


async def test_poll_on_a_delete_journal_file(demo_db: Path, tmp_path: Path) -> None:
    """`board migrate --journal delete` converts; then with --poll (and no safety poll) a
    commit by plain sqlite3 shows within the poll interval."""
    result = run_board("migrate", "--db", str(demo_db), "--journal", "delete", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert one(demo_db, "PRAGMA journal_mode") == "delete"
    assert not Path(f"{demo_db}-wal").exists()
    options = DisplayOptions(today=TODAY, poll=True)
    app = make_app(demo_db, options=options, safety_poll=3600)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.watcher is not None and app.watcher.poll
        write_sql(demo_db, "UPDATE projects SET name = '网络盘上的修改' WHERE code = 'KF-01';")
        assert one(demo_db, "PRAGMA journal_mode") == "delete"  # the write did not switch it
        await wait_for(pilot, lambda: "网络盘上的修改" in names(app), timeout=5, what="polled")


def test_poll_refuses_a_wal_file(demo_db: Path, tmp_path: Path) -> None:
    assert one(demo_db, "PRAGMA journal_mode") == "wal"
    line = one_line_error(run_board("--db", str(demo_db), "--poll", cwd=tmp_path))
    assert line == ZH["err.prefix"] + ZH["err.poll_wal"].format(path=demo_db)


# --- 11. The display is read-only -------------------------------------------------------------


async def test_display_cannot_write_and_sees_wal_commits(demo_db: Path) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    app = make_app(demo_db)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        source = app.source
        conn = source._conn
        assert conn is not None and "mode=ro" in str(conn.engine.url)
        with source._lock:  # no refresh while this test uses the display's connection
            for sql in (
                "INSERT INTO pledges (department_id, content, due_on, status) "
                "VALUES (1, '显示端写入', '2026-12-31', 'open')",
                "UPDATE projects SET name = '显示端改名' WHERE code = 'KF-01'",
                "DELETE FROM change_log",
                "CREATE TABLE intruder (x)",
            ):
                with pytest.raises(OperationalError, match=r"readonly|read-only"), conn.begin():
                    conn.execute(text(sql))
        assert one(demo_db, "SELECT count(*) FROM pledges WHERE content = '显示端写入'") == 0
        assert one(demo_db, "PRAGMA journal_mode") == "wal"
        # ...and yet it sees every WAL commit of another process.
        mtime = demo_db.stat().st_mtime_ns
        for n in range(3):
            write_sql(demo_db, f"UPDATE projects SET progress = {40 + n} WHERE code = 'KF-01';")
            await wait_for(
                pilot,
                lambda n=n: project_named(app, "KF-01").progress == 40 + n,
                timeout=10,
                what=f"WAL commit {n}",
            )
        assert Path(f"{demo_db}-wal").stat().st_size > 0
        assert demo_db.stat().st_mtime_ns == mtime  # commits in the WAL; nothing checkpointed


# --- 12. Bad arguments; --log ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["--today", "2026-13-45"], "err.bad_date"),
        (["--lang", "fr"], "err.bad_lang"),
        (["--theme", "neon"], "err.bad_theme"),
        (["--present", "0"], "err.bad_number"),
        (["--present", "abc"], "err.bad_number"),
        (["--db", "{dir}"], "err.usage"),
        (["--log", "{dir}/no/such/dir/board.log"], "err.log"),
        (["--log", "{dir}"], "err.usage"),
        (["--present", "5", "--theme", "contrast", "--today", "tomorrow"], "err.bad_date"),
    ],
)
def test_every_bad_option_is_one_line(
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    key: str,
) -> None:
    """In-process (fast), with the board itself replaced: a bad value must be refused before
    any board starts. (The same through a real process: tests/test_cli_errors.py.)"""
    import board.ui.app
    from board.cli import main

    def started(_self: BoardApp) -> None:
        raise AssertionError("the board started with a bad option")

    monkeypatch.setattr(board.ui.app.BoardApp, "run", started)
    argv = [a.replace("{dir}", str(tmp_path)) for a in args]
    if "--db" not in argv:
        argv = ["--db", str(demo_db), *argv]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(ZH["err.prefix"]) and ZH[key].split("{", 1)[0] in err, err


async def test_log_records_refresh_timings_and_faults(demo_db: Path, tmp_path: Path) -> None:
    from board.ui.app import start_log

    log_path = tmp_path / "board.log"
    root = logging.getLogger("board")
    level, handlers = root.level, list(root.handlers)
    start_log(log_path)
    try:
        app = make_app(demo_db, safety_poll=0.5)
        async with app.run_test(size=WIDE) as pilot:
            await settle(pilot)
            write_sql(demo_db, "UPDATE projects SET progress = 77 WHERE code = 'KF-01';")
            await wait_for(pilot, lambda: project_named(app, "KF-01").progress == 77, timeout=10)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{demo_db}{suffix}").unlink(missing_ok=True)
            await wait_for(pilot, lambda: app.error is not None, timeout=10)
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
    text = log_path.read_text(encoding="utf-8")
    assert "read data_version=" in text and "read_ms=" in text and "apply_ms=" in text
    assert "fault kind=missing" in text
