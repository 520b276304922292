"""会议纪要 of the demo meeting: Markdown and workbook, the same sections, lights as the board's."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from board.domain.minutes import build_minutes
from board.domain.snapshot import Snapshot
from board.errors import BoardError
from board.exchange.minutes import to_markdown, write_minutes
from board.i18n import zh_cn
from board.store.source import SnapshotSource
from board.view.board import Board
from board.view.selections import red_projects
from tests.conftest import TODAY, run_cli

ZH = zh_cn.STRINGS
CURRENT = 2  # the demo's meeting held today (meeting 1 was two weeks ago)


def snapshot_of(db: Path) -> Snapshot:
    source = SnapshotSource(db)
    try:
        snapshot = source.poll(force=True)
    finally:
        source.close()
    assert snapshot is not None
    return snapshot


def sql(db: Path, statement: str, *args: object) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(statement, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def pledged_at(db: Path, meeting_id: int) -> list[str]:
    """Departments that pledged at the meeting, in speaking order (plain sqlite3)."""
    return [
        str(r[0])
        for r in sql(
            db,
            "SELECT DISTINCT d.name, d.sort_order, d.id FROM pledges p "
            "JOIN departments d ON d.id = p.department_id WHERE p.meeting_id = ? "
            "ORDER BY d.sort_order, d.id",
            meeting_id,
        )
    ]


def test_markdown_minutes_of_the_demo_meeting(demo_db: Path) -> None:
    snapshot = snapshot_of(demo_db)
    minutes = build_minutes(snapshot, TODAY)
    text = to_markdown(minutes)
    lines = text.splitlines()
    assert lines[0] == "# " + ZH["minutes.title"].format(title="项目建设调度会")
    assert ZH["minutes.held_on"].format(date=TODAY.isoformat()) in text
    assert f"## {ZH['minutes.supervision']}" in lines
    assert f"## {ZH['minutes.red']}" in lines

    attendees = pledged_at(demo_db, CURRENT)
    assert len(attendees) > 5
    assert list(minutes.attendees) == attendees
    for name in attendees:
        assert f"### {name}" in lines  # under 各单位表态事项, and again under 督办清单 if open

    # Every pledge made at the meeting appears with its due date.
    for content, due in sql(
        demo_db, "SELECT content, due_on FROM pledges WHERE meeting_id = ?", CURRENT
    ):
        row = next(line for line in lines if f"| {content} |" in line)
        assert f"| {due} |" in row

    # 督办清单: every open pledge and open blocker, with its light as the board computes it.
    board = Board.build(snapshot, TODAY)
    supervision = text.split(f"## {ZH['minutes.supervision']}")[1].split(f"## {ZH['minutes.red']}")[
        0
    ]
    open_pledges = [p for p in snapshot.pledges if not p.is_closed]
    open_blockers = [b for b in snapshot.blockers if b.is_open]
    rows = [
        line for line in supervision.splitlines() if line.startswith("| ") and "---" not in line
    ]
    data_rows = [r for r in rows if not r.startswith(f"| {ZH['minutes.col.no']} ")]
    assert len(data_rows) == len(open_pledges) + len(open_blockers)
    for p in open_pledges:
        row = next(r for r in data_rows if f"| {p.content} |" in r)
        light = board.status.pledges[p.id]
        assert ZH[f"light.{light.value}"] in row
    overdue = [p for p in open_pledges if p.due_on is not None and p.due_on < TODAY]
    assert overdue and ZH["days.overdue"].split(" ")[0] in supervision

    # The red projects are the board's red projects, in order.
    red = red_projects(board)
    assert red
    assert [r.code for r in minutes.red] == [p.code for p in red]
    red_part = text.split(f"## {ZH['minutes.red']}")[1]
    for p in red:
        assert f"| {p.code} | {p.name} |" in red_part


def test_workbook_minutes_have_the_same_sections(demo_db: Path, tmp_path: Path) -> None:
    minutes = build_minutes(snapshot_of(demo_db), TODAY)
    path = tmp_path / "纪要.xlsx"
    write_minutes(minutes, path)
    book = load_workbook(path)
    assert book.sheetnames == [
        ZH["minutes.overview"],
        ZH["minutes.pledges"],
        ZH["minutes.supervision"],
        ZH["minutes.red"],
    ]
    overview = [c.value for c in book[ZH["minutes.overview"]]["A"]]
    assert overview[0] == ZH["minutes.title"].format(title="项目建设调度会")
    assert set(pledged_at(demo_db, CURRENT)) <= set(overview)

    pledges = book[ZH["minutes.pledges"]]
    assert pledges["A1"].value == ZH["minutes.col.department"]
    assert pledges.max_row - 1 == minutes.made
    assert pledges["D2"].is_date  # 完成时限 as a real date
    supervision = book[ZH["minutes.supervision"]]
    assert supervision.max_row - 1 == minutes.open_items
    assert {c.value for c in supervision["A"][1:]} == {g.department for g in minutes.supervision}
    red = book[ZH["minutes.red"]]
    assert [c.value for c in red["B"][1:]] == [r.code for r in minutes.red]


def test_minutes_of_a_named_meeting_and_markup_in_the_data(demo_db: Path) -> None:
    sql(
        demo_db,
        "INSERT INTO meetings (id, held_on, title) VALUES (3, '2026-12-06', '第二次调度会')",
    )
    sql(
        demo_db,
        "INSERT INTO pledges (department_id, meeting_id, content, due_on) "
        "VALUES (6, 3, 'a|b [red]x[/] *粗* <i>\x1b[31m', '2026-12-20')",
    )
    snapshot = snapshot_of(demo_db)
    # A meeting planned for next week has no minutes yet: the default is today's meeting ...
    assert build_minutes(snapshot, TODAY).title == "项目建设调度会"
    # ... and the planned one's come when it is named (or on its day).
    latest = build_minutes(snapshot, TODAY, meeting_id=3)
    assert build_minutes(snapshot, date(2026, 12, 6)).title == "第二次调度会"
    assert latest.title == "第二次调度会"
    assert latest.attendees == ("土地局",)
    text = to_markdown(latest)
    row = next(line for line in text.splitlines() if "a\\|b" in line)
    assert row.count(" | ") == 5  # six cells: the pipe in the data is escaped
    assert "\\[red\\]x\\[/\\]" in row and "\\*粗\\*" in row and "\\<i\\>" in row
    assert "\x1b" not in text
    first = build_minutes(snapshot, TODAY, meeting_id=CURRENT)
    assert first.title == "项目建设调度会"
    assert list(first.attendees) == pledged_at(demo_db, CURRENT)
    with pytest.raises(BoardError) as caught:
        build_minutes(snapshot, TODAY, meeting_id=99)
    assert caught.value.message == ZH["err.unknown_meeting"].format(ref=99)


def test_minutes_without_meetings_is_one_clear_error(demo_db: Path) -> None:
    sql(demo_db, "DELETE FROM meetings")
    with pytest.raises(BoardError) as caught:
        build_minutes(snapshot_of(demo_db), TODAY)
    assert caught.value.message == ZH["err.no_meeting"]


def test_minutes_command(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "纪要.md"
    day = date(2026, 12, 5).isoformat()
    ok = run_cli("minutes", "--db", str(demo_db), "--out", str(out), "--today", day, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == ZH["minutes.written"].format(
        path=out, title="项目建设调度会", date=TODAY.isoformat()
    )
    assert ZH["minutes.as_of"].format(date=day) in out.read_text(encoding="utf-8")
    for args, message in (
        (("--out", str(out)), ZH["err.out_exists"].format(path=out)),
        (
            ("--out", str(tmp_path / "m.md"), "--meeting", "7"),
            ZH["err.unknown_meeting"].format(ref=7),
        ),
        (
            ("--out", str(tmp_path / "m.pdf")),
            ZH["err.minutes_format"].format(path=tmp_path / "m.pdf"),
        ),
    ):
        result = run_cli("minutes", "--db", str(demo_db), *args, cwd=tmp_path)
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines() == [ZH["err.prefix"] + message]
        assert result.returncode == 2


def test_the_minutes_give_the_rates_the_board_shows(demo_db: Path) -> None:
    from board.view.kpi import kpi

    snapshot = snapshot_of(demo_db)
    minutes = build_minutes(snapshot, TODAY)
    figures = kpi(Board.build(snapshot, TODAY)).rates
    assert minutes.rates == figures
    text = to_markdown(minutes)
    start = figures.start
    assert f"开工率 {start.done}/{start.planned}" in text
