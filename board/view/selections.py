"""What each panel shows, given a snapshot, its lights and the coordinator's choices.

Pure selection and ordering (filter text, light filter, sort, picked department), with no
Textual and no I/O, so the rules of "what is on screen" are tested without running the app.
"""

from __future__ import annotations

import bisect
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from board.domain.codes import BLOCKER_CATEGORIES
from board.domain.snapshot import Blocker, Department, Pledge, Project
from board.domain.status import DepartmentStatus, Light, department_status
from board.i18n import t
from board.view.board import Board

# Past this many touched projects, sorting again is as quick as patching the last order.
PATCH_LIMIT = 2000

LIGHT_FILTERS = ("all", "red", "red_amber")
PROJECT_SORTS = ("light", "stage", "progress", "name", "code")
DEPARTMENT_ORDERS = ("speaking", "worst")


@dataclass(frozen=True)
class ViewState:
    """The coordinator's choices; every field survives a refresh."""

    text: str = ""
    light_filter: str = "all"
    sort: str = "light"
    department_id: int | None = None
    department_order: str = "speaking"

    def admits(self, light: Light) -> bool:
        if self.light_filter == "red":
            return light is Light.RED
        if self.light_filter == "red_amber":
            return light in (Light.RED, Light.AMBER)
        return True


def _matches(needle: str, *values: str | None) -> bool:
    return any(needle in v.casefold() for v in values if v)


def project_matches(board: Board, project: Project, needle: str) -> bool:
    """`needle` (casefolded) in the project's name, code, lead department or pledges."""
    return needle in board.search[project.id]


def project_order(board: Board, sort: str) -> Callable[[Project], tuple[Any, ...]]:
    """The sort key of the projects panel; the id last, so the order is total and a patched
    order is exactly the one a full sort gives."""
    statuses = board.status.projects
    if sort == "light":

        def by_light(p: Project) -> tuple[Any, ...]:
            status = statuses[p.id]
            return (-status.light.severity, -(status.behind or 0.0), p.code, p.id)

        return by_light
    if sort == "stage":
        return lambda p: (p.stage_index, p.code, p.id)
    if sort == "progress":
        return lambda p: (p.progress, p.code, p.id)
    if sort == "name":
        return lambda p: (pinyin_key(p.name), p.code, p.id)
    return lambda p: (p.code, p.id)


@cache  # one entry per character ever met: a few thousand at most
def _syllable(char: str) -> str:
    """One character's pinyin with its tone (中 → zhong1), casefolded; itself if not Han."""
    # pypinyin's phrase dictionary costs 55 MB and a second per 10,000 names; the character
    # dictionary alone (11 MB, loaded at the first sort by name) sorts as office software does
    # (Excel's and GBK's pinyin order read each character on its own).
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import Style, lazy_pinyin

    readings = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)
    return (readings[0] if readings else char).casefold()


@lru_cache(maxsize=20_000)  # two city zones' names; a few MB at most
def pinyin_key(name: str) -> tuple[str, ...]:
    """A name's place in pinyin order (创业 < 东方 < 凯达 < 中科), as Chinese offices sort: each
    character's syllable with its tone, then the name itself, so the order is total. Latin
    letters and digits keep their place among the syllables (casefolded). Kept per name and
    per character: 10,000 names sort by name in tens of milliseconds."""
    return (*map(_syllable, name), "\x00", name)


def select_projects(board: Board, state: ViewState) -> list[Project]:
    """The projects panel's rows, filtered and sorted (do not change the list: it is kept for
    the next call with the same board and choices, and patched for the next board)."""
    needle = state.text.strip().casefold()
    memo_key = ("projects", needle, state.light_filter, state.sort, state.department_id)
    rows: list[Project] | None = board.memo.get(memo_key)
    if rows is not None:
        return rows

    def wanted(p: Project) -> bool:
        return (
            (state.department_id is None or p.lead_department_id == state.department_id)
            and state.admits(board.project_light(p.id))
            and (not needle or project_matches(board, p, needle))
        )

    key = project_order(board, state.sort)
    keys_key = ("order", *memo_key[1:])  # each row's sort key, kept beside the rows
    earlier: list[Project] | None = board.inherited.get(memo_key)
    earlier_keys: list[tuple[Any, ...]] | None = board.inherited.get(keys_key)
    touched = board.touched
    keys: list[tuple[Any, ...]] | None = None
    if (
        earlier is not None
        and earlier_keys is not None
        and touched is not None
        and len(touched) <= PATCH_LIMIT
    ):
        # The last board's order, less the touched projects, plus those (as they are now)
        # that still pass: a binary search on the kept keys, no sort key computed twice.
        kept = [i for i, p in enumerate(earlier) if p.id not in touched]
        old_rows = [earlier[i] for i in kept]
        old_keys = [earlier_keys[i] for i in kept]
        fresh = sorted(
            (key(p), p)
            for p in (board.projects.get(ident) for ident in touched)
            if p is not None and wanted(p)
        )
        # Merge: runs of kept rows copied as slices between the fresh ones' places.
        rows, keys, start = [], [], 0
        for k, project in fresh:
            at = bisect.bisect_right(old_keys, k, lo=start)
            rows += old_rows[start:at]
            keys += old_keys[start:at]
            rows.append(project)
            keys.append(k)
            start = at
        rows += old_rows[start:]
        keys += old_keys[start:]
    elif (wider := _wider(board.memo, memo_key)) is not None and (
        wider_keys := board.memo.get(("order", *wider[0][1:]))
    ) is not None:
        # Typing one more letter: the rows are among those of the shorter text, in order.
        search = board.search
        chosen = [i for i, p in enumerate(wider[1]) if needle in search[p.id]]
        rows = [wider[1][i] for i in chosen]
        keys = [wider_keys[i] for i in chosen]
    else:
        keyed = sorted((key(p), p) for p in board.snapshot.projects if wanted(p))
        rows = [p for _k, p in keyed]
        keys = [k for k, _p in keyed]
    remember(board, keys_key, keys)
    remember(board, memo_key, rows)
    return rows


MEMO_LIMIT = 16  # selections kept per board: each is up to a few MB at 10,000 projects


def remember(board: Board, key: tuple[Any, ...], value: Any) -> None:
    if len(board.memo) >= MEMO_LIMIT:
        board.memo.clear()
    board.memo[key] = value


def _wider(memo: dict[Any, Any], key: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any] | None:
    """The memoised entry (key, value) for the same choices and a filter text contained in
    this one's (so a superset of this one's matches), the narrowest such; None if none."""
    kind, needle, *rest = key
    best: tuple[tuple[Any, ...], Any] | None = None
    for other, value in memo.items():
        if (
            isinstance(other, tuple)
            and other[0] == kind
            and list(other[2:]) == rest
            and other[1] != needle
            and other[1] in needle
            and (best is None or len(other[1]) > len(best[0][1]))
        ):
            best = (other, value)
    return best


@dataclass(frozen=True)
class DepartmentCard:
    department: Department
    status: DepartmentStatus
    pledges: list[Pledge]  # filtered, most urgent first (only the first `limit` of them)
    matching: int = 0  # how many pledges passed the filters in all

    @property
    def hidden(self) -> int:
        return self.matching - len(self.pledges)


def select_departments(
    board: Board, state: ViewState, limit: int | None = None
) -> list[DepartmentCard]:
    """The departments panel's cards, each with the pledges that pass the filters; with
    `limit`, only that many most urgent pledges per card are picked (a card shows a few)."""
    needle = state.text.strip().casefold()
    memo_key = (
        "departments",
        needle,
        state.light_filter,
        state.department_id,
        state.department_order,
        limit,
    )
    cached: list[DepartmentCard] | None = board.memo.get(memo_key)
    if cached is not None:
        return cached
    matches = department_matches(board, state, needle)
    cards: list[DepartmentCard] = []
    for dept in board.snapshot.departments:
        if state.department_id is not None and dept.id != state.department_id:
            continue
        every = board.pledges_by_department.get(dept.id, [])  # in urgency order already
        if not needle and state.light_filter == "all":
            pledges = every[:limit] if limit is not None else list(every)
            cards.append(
                DepartmentCard(dept, board.status.departments[dept.id], pledges, len(every))
            )
            continue
        pledges = matches.get(dept.id, [])
        dept_hit = not needle or _matches(needle, dept.name, dept.short_name)
        # A department named by the filter shows even with no pledges; otherwise it needs one.
        if not pledges and not (dept_hit and needle and state.light_filter == "all"):
            continue
        shown = pledges[:limit] if limit is not None else list(pledges)
        cards.append(DepartmentCard(dept, board.status.departments[dept.id], shown, len(pledges)))
    cards.extend(orphan_cards(board, state, needle, limit))
    if state.department_order == "worst":
        cards.sort(key=lambda c: (-c.status.light.severity, -c.status.overdue))
    remember(board, memo_key, cards)
    return cards


def department_matches(board: Board, state: ViewState, needle: str) -> dict[int, list[Pledge]]:
    """Per department, its pledges that pass the filters, most urgent first (memoised; a
    longer filter text narrows the matches of a shorter one instead of scanning again)."""
    memo_key = ("pledges", needle, state.light_filter, state.department_id)
    found: dict[int, list[Pledge]] | None = board.memo.get(memo_key)
    if found is not None:
        return found
    texts = board.pledge_text
    lights = board.status.pledges
    found_wider = _wider(board.memo, memo_key)
    wider: dict[int, list[Pledge]] | None = found_wider[1] if found_wider else None
    found = {}
    for dept in board.snapshot.departments:
        if state.department_id is not None and dept.id != state.department_id:
            continue
        if wider is not None:
            every = wider.get(dept.id, [])
        else:
            every = board.pledges_by_department.get(dept.id, [])
        if needle and not _matches(needle, dept.name, dept.short_name):
            every = [p for p in every if needle in texts[p.id]]
        if state.light_filter != "all" and wider is None:
            every = [p for p in every if state.admits(lights[p.id])]
        found[dept.id] = every
    remember(board, memo_key, found)
    return found


def orphan_cards(
    board: Board, state: ViewState, needle: str, limit: int | None
) -> list[DepartmentCard]:
    """Pledges whose department was deleted (sqlite3 leaves them when foreign keys are off):
    shown under "unknown department #N", never hidden."""
    if state.department_id is not None:
        return []
    cards = []
    for dept_id, every in board.pledges_by_department.items():
        if dept_id in board.departments:
            continue
        pledges = [
            p
            for p in every
            if state.admits(board.status.pledges[p.id])
            and (not needle or needle in board.pledge_text[p.id])
        ]
        if not pledges:
            continue
        ghost = Department(
            id=dept_id,
            name=t("unknown.department", id=dept_id),
            sort_order=10**9,
            problems=("id",),
        )
        status = department_status(pledges, board.today, lights_by_id=board.status.pledges)
        shown = pledges[:limit] if limit is not None else pledges
        cards.append(DepartmentCard(ghost, status, shown, len(pledges)))
    return cards


@dataclass(frozen=True)
class BlockerGroup:
    category: str
    blockers: list[Blocker]


def select_blockers(board: Board, state: ViewState) -> tuple[list[BlockerGroup], int]:
    """Open blockers grouped by category (in the code list's order), and the resolved count."""
    needle = state.text.strip().casefold()
    memo_key = ("blockers", needle, state.light_filter, state.department_id)
    cached: tuple[list[BlockerGroup], int] | None = board.memo.get(memo_key)
    if cached is not None:
        return cached
    groups: dict[str, list[Blocker]] = defaultdict(list)
    resolved = 0
    for blocker in board.snapshot.blockers:
        if state.department_id is not None and blocker.department_id != state.department_id:
            continue
        if not blocker.is_open:
            resolved += 1
            continue
        if needle and needle not in board.blocker_text[blocker.id]:
            continue
        if not state.admits(board.blocker_light(blocker)):
            continue
        groups[blocker.category].append(blocker)
    ordered = [
        BlockerGroup(c, sorted(groups[c], key=lambda b: (b.due_on or date.max, b.id)))
        for c in BLOCKER_CATEGORIES
        if groups.get(c)
    ]
    remember(board, memo_key, (ordered, resolved))
    return ordered, resolved


@dataclass(frozen=True)
class RankRow:
    department: Department
    status: DepartmentStatus


def rank_key(row: RankRow) -> tuple[bool, float, int, int, int, int]:
    """红榜 to 黑榜, one rule everywhere: the score (done ÷ due; none yet sorts last), then
    fewer overdue, then more done, then the speaking order."""
    status = row.status
    return (
        status.score is None,
        -(status.score or 0.0),
        status.overdue,
        -status.done,
        row.department.sort_order,
        row.department.id,
    )


def ranking(board: Board) -> list[RankRow]:
    """The departments, 红榜 first (`rank_key`)."""
    rows = [RankRow(d, board.status.departments[d.id]) for d in board.snapshot.departments]
    rows.sort(key=rank_key)
    return rows


def red_projects(board: Board) -> list[Project]:
    """The red projects, worst lag first (for the slideshow's last page)."""
    state = ViewState(light_filter="red")
    return select_projects(board, state)
