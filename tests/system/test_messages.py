"""Every fault message says what is really wrong and what to do, in the UI language.

The permission cases need a process that file permissions apply to: the suite runs as root
(as CI does), so those children run under `setpriv` with the capabilities that let root
ignore permissions dropped. The full disk is a real one: a small tmpfs, filled up.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from board.errors import quoted
from board.i18n import en, zh_cn
from board.store.engine import explain

ZH = zh_cn.STRINGS
EN = en.STRINGS
SETPRIV = shutil.which("setpriv")
DROP = "-dac_override,-dac_read_search"


def cli(*args: str, cwd: Path, limited: bool = False) -> subprocess.CompletedProcess[str]:
    """`python -m board ...` as a user runs it; `limited`: as a user file permissions bind."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOARD_DB", "BOARD_LANG")}
    argv = [sys.executable, "-m", "board", *args]
    if limited:
        if SETPRIV is None:
            pytest.skip("setpriv (util-linux) is not installed: cannot drop root's file rights")
        if os.geteuid() != 0:
            limited = False  # already a user permissions apply to
        else:
            argv = [SETPRIV, f"--bounding-set={DROP}", f"--inh-caps={DROP}", *argv]
    return subprocess.run(
        argv, capture_output=True, text=True, cwd=cwd, env=env, stdin=subprocess.DEVNULL, timeout=60
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_an_unreadable_file_is_a_read_problem_not_a_write_one(
    demo_db: Path, tmp_path: Path
) -> None:
    demo_db.chmod(0)
    try:
        line = one_line(cli("pledge", "list", "--db", str(demo_db), cwd=tmp_path, limited=True))
    finally:
        demo_db.chmod(0o644)
    assert ZH["err.unreadable"].format(path=demo_db) in line
    assert "写入" not in line


def test_the_display_s_source_says_read_permission_when_the_file_turns_unreadable(
    demo_db: Path, tmp_path: Path
) -> None:
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from board.errors import BoardError\n"
        "from board.store.source import SnapshotSource\n"
        "db = Path(sys.argv[1]); source = SnapshotSource(db)\n"
        "assert source.poll(force=True) is not None\n"
        "os.chmod(db, 0)\n"
        "os.utime(db, ns=(1, 1))  # as a write would: the source opens the file afresh\n"
        "try:\n"
        "    source.poll(force=True)\n"
        "except BoardError as exc:\n"
        "    print(exc.kind, exc.message)\n"
        "finally:\n"
        "    os.chmod(db, 0o644)\n"
    )
    if SETPRIV is None:
        pytest.skip("setpriv (util-linux) is not installed: cannot drop root's file rights")
    done = subprocess.run(
        [SETPRIV, f"--bounding-set={DROP}", f"--inh-caps={DROP}", sys.executable, "-c", script,
         str(demo_db)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    kind, message = done.stdout.strip().split(" ", 1)
    assert kind == "unreadable"
    assert message == ZH["err.unreadable"].format(path=demo_db)


def test_a_wal_file_in_a_folder_nobody_may_write_names_the_folder(
    demo_db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "共享 只读"
    folder.mkdir()
    db = folder / "board.db"
    shutil.copy(demo_db, db)  # WAL mode, no -wal or -shm beside it
    folder.chmod(0o555)
    try:
        line = one_line(cli("pledge", "list", "--db", str(db), cwd=tmp_path, limited=True))
    finally:
        folder.chmod(0o755)
    command = f"board migrate --journal delete --db {quoted(db)}"
    expected = ZH["err.shm_folder"].format(
        path=db, folder=folder.resolve(), name="board.db", command=command
    )
    assert expected in line
    assert "'" in command  # the path has a space: the suggested command quotes it


def test_suggested_commands_are_quoted_and_work_when_pasted(tmp_path: Path) -> None:
    folder = tmp_path / "调度 会"
    folder.mkdir()
    missing = folder / "不存在.db"
    line = one_line(cli("pledge", "list", "--db", str(missing), cwd=tmp_path))
    suggestion = f"board init {shlex.quote(str(missing))}"
    assert suggestion in line
    argv = shlex.split(suggestion)
    assert argv[2] == str(missing)  # pasted into a shell, the path arrives whole
    done = cli(*argv[1:], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert missing.exists()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    """Fill the disk under `folder` to the last byte."""
    filler = folder / "filler"
    handle = filler.open("wb", buffering=0)
    try:
        while True:
            handle.write(b"\0" * 4096)
    except OSError:
        pass
    finally:
        handle.close()
    return filler


def test_a_write_on_a_full_disk_says_so_and_loses_nothing(demo_db: Path, small_disk: Path) -> None:
    db = small_disk / "board.db"
    shutil.copy(demo_db, db)
    before = sqlite3.connect(db).execute("SELECT count(*) FROM pledges").fetchone()[0]
    filler = fill(small_disk)
    done = cli(
        "pledge", "add", "--db", str(db), "--dept", "土地局", "--due", "2026-12-15",
        "完成北区供水用地报批" * 50,
        cwd=small_disk.parent,
    )  # fmt: skip
    line = one_line(done)
    assert ZH["err.disk_full"].format(path=db) in line
    filler.unlink()
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM pledges").fetchone()[0] == before
    finally:
        con.close()


def test_sqlite_s_own_full_error_is_read_as_a_full_disk(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.Error) as caught:
        for _ in range(200):
            con.execute("INSERT INTO t VALUES (?)", ("x" * 1000,))
    con.close()
    error = explain(caught.value, db)
    assert error.kind == "full"
    assert error.message == ZH["err.disk_full"].format(path=db)


def test_every_new_message_exists_in_both_languages() -> None:
    for key in ("err.unreadable", "err.shm_folder", "err.disk_full"):
        assert key in ZH and key in EN
