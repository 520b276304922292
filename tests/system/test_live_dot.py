"""The live dot tells the truth, and the watch heals itself, in the real app.

A restore script's `rm -rf`/`mkdir`/`cp` and a deploy script's symlink swap: afterwards a write
shows at watch speed again (well before the next safety check), and the header says ● 实时.
A watch that cannot attach says ◐ 定时检查 instead, and writes still show by the safety check.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from pathlib import Path

from board.i18n import zh_cn
from board.store.demo import build_demo
from board.ui.widgets.header import BoardHeader
from tests.conftest import TODAY, make_app, settle, text_of, wait_for, write_sql

ZH = zh_cn.STRINGS
SIZE = (160, 48)
SAFETY = 2.0  # seconds: the safety check, short for the test; writes must show well before it


def progress_of(app: object, code: str) -> int | None:
    board = app.board  # type: ignore[attr-defined]
    if board is None:
        return None
    return next((p.progress for p in board.snapshot.projects if p.code == code), None)


async def shows_within(pilot: object, app: object, db: Path, value: int, seconds: float) -> float:
    """Write progress `value` to KF-01 from another process; seconds until the board has it."""
    write_sql(db, f"UPDATE projects SET progress = {value} WHERE code = 'KF-01';")
    began = time.monotonic()
    await wait_for(pilot, lambda: progress_of(app, "KF-01") == value, timeout=seconds + 3,
                   what=f"progress {value} on screen")  # fmt: skip
    return time.monotonic() - began


def dot(app: object) -> str:
    return text_of(app.screen.query_one(BoardHeader))  # type: ignore[attr-defined]


async def test_a_folder_deleted_and_restored_is_watched_again(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    db = folder / "board.db"
    build_demo(db, TODAY)
    good = tmp_path / "good.db"
    shutil.copy(db, good)
    app = make_app(db, safety_poll=SAFETY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ZH["header.watching"] in dot(app)
        assert await shows_within(pilot, app, db, 41, 1.0) < 1.0
        # A restore script: the folder goes, comes back, the file is copied in.
        shutil.rmtree(folder)
        await pilot.pause(0.3)
        folder.mkdir()
        shutil.copy(good, db)
        await wait_for(pilot, lambda: progress_of(app, "KF-01") not in (None, 41), timeout=10,
                       what="the restored file read")  # fmt: skip
        await pilot.pause(SAFETY + 0.5)  # one safety check: the watch laid again
        # Each write at watch speed: on the safety check alone one in four at most would be.
        for value in (42, 43, 44, 45):
            took = await shows_within(pilot, app, db, value, SAFETY)
            assert took < 0.5, f"a write took {took:.1f} s: the board ran on its safety check"
        assert ZH["header.watching"] in dot(app)
        assert app.watcher is not None and app.watcher.attached


async def test_a_symlink_swapped_by_a_deploy_script_is_followed(tmp_path: Path) -> None:
    v1, v2 = tmp_path / "v1" / "board.db", tmp_path / "v2" / "board.db"
    for path in (v1, v2):
        path.parent.mkdir()
        build_demo(path, TODAY)
    link = tmp_path / "live" / "board.db"
    link.parent.mkdir()
    link.symlink_to(v1)
    # No safety check to lean on: the swap's own event must lead to the new watches.
    app = make_app(link, safety_poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await shows_within(pilot, app, v1, 51, 1.0) < 1.0
        fresh = link.with_name("board.db.new")
        fresh.symlink_to(v2)
        subprocess.run(["mv", "-T", str(fresh), str(link)], check=True)
        await wait_for(pilot, lambda: progress_of(app, "KF-01") != 51, timeout=10,
                       what="the new target read")  # fmt: skip
        await pilot.pause(0.3)
        took = await shows_within(pilot, app, v2, 52, SAFETY)
        assert took < 1.0, f"a write to the new target took {took:.1f} s"
        write_sql(v1, "UPDATE projects SET progress = 53 WHERE code = 'KF-01';")
        await pilot.pause(0.6)
        assert progress_of(app, "KF-01") == 52  # the old target is no longer the board's file
        assert ZH["header.watching"] in dot(app)


async def test_a_watch_that_cannot_attach_says_so_and_the_board_stays_current(
    demo_db: Path,
) -> None:
    app = make_app(demo_db, safety_poll=SAFETY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        watcher = app.watcher
        assert watcher is not None and watcher._observer is not None

        def refused(*_args: object, **_kwargs: object) -> object:
            raise OSError(28, "inotify watch limit reached")

        # The kernel refuses new watches (its limit reached by other programs) and the folder
        # is made again, so the old watch is gone too.
        watcher._observer.schedule = refused  # type: ignore[method-assign]
        shutil.copy(demo_db, demo_db.with_name("good.db"))
        folder = demo_db.parent
        shutil.move(str(folder), str(folder.with_name(folder.name + "-away")))
        folder.mkdir()
        shutil.copy(folder.with_name(folder.name + "-away") / "good.db", demo_db)
        await wait_for(pilot, lambda: app.watch_state == "safety", timeout=SAFETY * 3,
                       what="the safety state")  # fmt: skip
        await pilot.pause()
        assert ZH["header.safety"].format(seconds=f"{SAFETY:g}") in dot(app)
        assert ZH["header.watching"] not in dot(app)
        took = await shows_within(pilot, app, demo_db, 61, SAFETY * 2)
        assert took <= SAFETY + 1.5  # by the safety check, as the dot says
        await asyncio.sleep(0)


async def test_damage_in_the_change_log_is_found_after_the_first_screen(demo_db: Path) -> None:
    """The start-up check reads only the tables the board shows (a big log made starts slow);
    the whole file is checked after the first screen, and damage there is said in the banner."""
    import sqlite3

    from board.store.schema import check_file

    con = sqlite3.connect(demo_db, isolation_level=None)
    con.execute("BEGIN")
    for n in range(3000):  # a long change log, as months of work leave
        con.execute("UPDATE projects SET progress = ? WHERE id = ?", (n % 100, 1 + n % 25))
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    con = sqlite3.connect(demo_db)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    (page,) = con.execute(
        "SELECT pageno FROM dbstat WHERE name = 'change_log' AND pagetype = 'leaf' "
        "ORDER BY path LIMIT 1"  # the leftmost leaf: the oldest entries
    ).fetchone()
    con.close()
    with demo_db.open("r+b") as handle:  # scribble over one old page of the log
        handle.seek((page - 1) * page_size + 100)
        handle.write(b"\xff" * 200)
    check_file(demo_db, thorough=True)  # the start-up check lets the board open ...
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.damaged is not None, timeout=10, what="full check")
        await pilot.pause()
        banner = text_of(app.screen.query_one("#banner"))
        assert ZH["err.corrupt_later"].format(path=demo_db) in " ".join(banner.split())
        assert app.board is not None  # ... and the board still shows what it can read
