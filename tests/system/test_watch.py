"""The watcher heals itself: folders deleted and made again, renamed away and back, symlinks on
the path re-pointed (as restore and deploy scripts do). Real folders, real inotify, writes from
a second process; after `ensure()` (what every check of the board runs) writes wake the board
again at watch speed, and writes to an old target no longer do."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from board.watch import DatabaseWatcher, plan
from tests.conftest import write_sql


def make_db(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE IF NOT EXISTS t (x)")
    con.commit()
    con.close()
    return path


class Counter:
    def __init__(self) -> None:
        self.events = 0
        self.cond = threading.Condition()

    def __call__(self) -> None:
        with self.cond:
            self.events += 1
            self.cond.notify_all()

    def after_write(self, db: Path, timeout: float = 2.0) -> int:
        """Events that a write to `db` from another process caused (0 if none came)."""
        with self.cond:
            before = self.events
        write_sql(db, "INSERT INTO t VALUES (1);")
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.events == before and time.monotonic() < deadline:
                self.cond.wait(0.05)
        time.sleep(0.1)  # the rest of the commit's events
        with self.cond:
            return self.events - before


@pytest.fixture
def counter() -> Counter:
    return Counter()


@pytest.fixture
def watching(counter: Counter) -> Iterator[list[DatabaseWatcher]]:
    started: list[DatabaseWatcher] = []
    yield started
    for watcher in started:
        watcher.stop()


def start(watching: list[DatabaseWatcher], db: Path, counter: Counter) -> DatabaseWatcher:
    watcher = DatabaseWatcher(db, counter)
    watcher.start()
    watching.append(watcher)
    return watcher


def test_folder_deleted_and_made_again_is_watched_again(
    tmp_path: Path, counter: Counter, watching: list[DatabaseWatcher]
) -> None:
    folder = tmp_path / "a"
    db = make_db(folder / "board.db")
    watcher = start(watching, db, counter)
    assert watcher.attached and counter.after_write(db) > 0
    good = tmp_path / "good.db"
    shutil.copy(db, good)
    shutil.rmtree(folder)
    # The watch dies with its folder (the board must say so) once inotify tells its thread.
    deadline = time.monotonic() + 10
    while watcher.attached and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not watcher.attached
    watcher.ensure()  # the folder is missing: noted, nothing to watch yet
    assert watcher.ensure() is False  # and not again on every check while it stays missing
    assert not watcher.attached
    folder.mkdir()
    shutil.copy(good, db)
    assert counter.after_write(db) == 0  # the old watch is gone
    assert watcher.ensure() is True
    assert watcher.attached
    assert counter.after_write(db) > 0
    assert watcher.ensure() is False  # healthy: nothing to do


def test_folder_renamed_away_and_back_is_watched(
    tmp_path: Path, counter: Counter, watching: list[DatabaseWatcher]
) -> None:
    folder = tmp_path / "a"
    db = make_db(folder / "board.db")
    watcher = start(watching, db, counter)
    os.rename(folder, tmp_path / "b")
    os.rename(tmp_path / "b", folder)
    watcher.ensure()
    assert watcher.attached
    assert counter.after_write(db) > 0


def test_file_symlink_re_pointed_follows_the_new_target(
    tmp_path: Path, counter: Counter, watching: list[DatabaseWatcher]
) -> None:
    v1 = make_db(tmp_path / "v1" / "board.db")
    v2 = make_db(tmp_path / "v2" / "board.db")
    link = tmp_path / "live" / "board.db"
    link.parent.mkdir()
    link.symlink_to(v1)
    watcher = start(watching, link, counter)
    assert counter.after_write(v1) > 0
    fresh = link.with_name("board.db.new")
    fresh.symlink_to(v2)
    subprocess.run(["mv", "-T", str(fresh), str(link)], check=True)
    assert watcher.ensure() is True
    assert counter.after_write(v2) > 0
    assert counter.after_write(v1) == 0  # the old target no longer wakes the board


def test_folder_symlink_re_pointed_follows_the_new_release(
    tmp_path: Path, counter: Counter, watching: list[DatabaseWatcher]
) -> None:
    r1 = make_db(tmp_path / "releases" / "v1" / "board.db")
    r2 = make_db(tmp_path / "releases" / "v2" / "board.db")
    current = tmp_path / "current"
    current.symlink_to(tmp_path / "releases" / "v1")
    watcher = start(watching, current / "board.db", counter)
    assert counter.after_write(r1) > 0
    fresh = tmp_path / "current.new"
    fresh.symlink_to(tmp_path / "releases" / "v2")
    before = counter.events
    subprocess.run(["mv", "-T", str(fresh), str(current)], check=True)
    deadline = time.monotonic() + 2
    while counter.events == before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert counter.events > before  # the link's move is itself news: a check will follow
    assert watcher.ensure() is True
    assert counter.after_write(r2) > 0
    assert counter.after_write(r1) == 0


def test_plan_names_the_folder_of_each_link_on_the_way(tmp_path: Path) -> None:
    target = make_db(tmp_path / "releases" / "v1" / "board.db")
    (tmp_path / "current").symlink_to(tmp_path / "releases" / "v1")
    spots = {s.folder: s.names for s in plan(tmp_path / "current" / "board.db")}
    assert spots[str(target.parent.resolve())] == {"board.db", "board.db-wal", "board.db-journal"}
    assert spots[str(tmp_path.resolve())] == {"current"}


def test_shm_and_reads_do_not_count(
    tmp_path: Path, counter: Counter, watching: list[DatabaseWatcher]
) -> None:
    db = make_db(tmp_path / "a" / "board.db")
    # The board holds one read connection open for good (so -wal and -shm exist).
    held = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    held.execute("SELECT count(*) FROM t").fetchone()
    try:
        start(watching, db, counter)
        time.sleep(0.2)
        before = counter.events
        (tmp_path / "a" / "board.db-shm").touch()  # readers write -shm
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        con.execute("SELECT count(*) FROM t").fetchone()
        con.close()
        (tmp_path / "a" / "other.txt").write_text("x")
        time.sleep(0.3)
        assert counter.events == before
    finally:
        held.close()
