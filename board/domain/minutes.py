"""会议纪要 as plain data: what the minutes of one dispatch meeting say, before any layout.

`build_minutes(snapshot, today)` is pure: the meeting (the latest unless one is named), the
departments that pledged at it, each one's pledges made there, the 督办清单 (every open pledge
and unresolved blocker by responsible department, with due dates and lights as of `today`),
and the red projects. Lights come from `board.domain.status`, the same rules the board shows.
`board.exchange.minutes` lays the data out as Markdown or a workbook.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from board.domain.rates import Rates, rates
from board.domain.since import current_meeting
from board.domain.snapshot import Meeting, Pledge, Snapshot
from board.domain.status import Light, blocker_light, evaluate
from board.errors import BoardError
from board.i18n import t


@dataclass(frozen=True)
class Item:
    """One line of the minutes: a pledge or a blocker, with its light as of the minutes' day."""

    kind: str  # pledge | blocker
    id: int
    department: str
    text: str
    project: str
    due_on: date | None
    light: Light
    status: str  # the pledge's status code ("open" for a blocker): the minutes word it


@dataclass(frozen=True)
class Group:
    department: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class RedProject:
    code: str
    name: str
    lead: str
    stage: str
    progress: int
    expected: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Minutes:
    meeting_id: int
    title: str
    zone: str
    held_on: date | None
    today: date
    attendees: tuple[str, ...]
    pledges: tuple[Group, ...]
    supervision: tuple[Group, ...]
    red: tuple[RedProject, ...]
    rates: Rates = field(default_factory=Rates)

    @property
    def heading(self) -> str:
        return t("minutes.title", title=self.title)

    @property
    def made(self) -> int:
        return sum(len(g.items) for g in self.pledges)

    @property
    def open_items(self) -> int:
        return sum(len(g.items) for g in self.supervision)

    @property
    def overdue(self) -> int:
        return sum(1 for g in self.supervision for i in g.items if i.light is Light.RED)

    def rates_line(self) -> str:
        """开工率 8/11 73% · 竣工率 … · 投产率 …, as on the board's KPI strip."""
        parts = []
        for key, rate in (
            ("kpi.start_rate", self.rates.start),
            ("kpi.complete_rate", self.rates.complete),
            ("kpi.produce_rate", self.rates.produce),
        ):
            share = "—" if rate.share is None else f"{rate.share:.0%}"
            parts.append(t(key, done=rate.done, planned=rate.planned, pct=share))
        return " · ".join(parts)

    def summary(self) -> str:
        return t(
            "minutes.summary",
            attendees=len(self.attendees),
            made=self.made,
            open=self.open_items,
            overdue=self.overdue,
            red=len(self.red),
        )


def pick_meeting(snapshot: Snapshot, meeting_id: int | None, today: date) -> Meeting:
    """The meeting named, else the current one (the latest held on or before `today`: a
    meeting only planned has no minutes yet)."""
    if meeting_id is None:
        meeting = current_meeting(snapshot.meetings, today)
        if meeting is None:
            raise BoardError(t("err.no_meeting"), kind="value")
        return meeting
    for meeting in snapshot.meetings:
        if meeting.id == meeting_id:
            return meeting
    raise BoardError(t("err.unknown_meeting", ref=meeting_id), kind="value")


def build_minutes(snapshot: Snapshot, today: date, meeting_id: int | None = None) -> Minutes:
    """The minutes of one meeting (default: the current one), with lights as of `today`."""
    meeting = pick_meeting(snapshot, meeting_id, today)
    status = evaluate(snapshot, today)
    order = {d.id: i for i, d in enumerate(snapshot.departments)}
    names = {d.id: d.name for d in snapshot.departments}
    projects = {p.id: p for p in snapshot.projects}

    def department(dept_id: int | None) -> str:
        if dept_id is None:
            return t("minutes.no_department")
        return names.get(dept_id) or t("unknown.department", id=dept_id)

    def project(project_id: int | None) -> str:
        p = projects.get(project_id) if project_id is not None else None
        if p is None:
            return "" if project_id is None else t("unknown.project", id=project_id)
        return f"{p.code} {p.name}"

    def pledge_item(p: Pledge) -> Item:
        return Item(
            "pledge",
            p.id,
            department(p.department_id),
            p.content,
            project(p.project_id),
            p.due_on,
            status.pledges.get(p.id, Light.NONE),
            p.status,
        )

    def grouped(items: Iterable[tuple[int | None, Item]]) -> tuple[Group, ...]:
        groups: dict[int | None, list[Item]] = {}
        for dept_id, item in items:
            groups.setdefault(dept_id, []).append(item)
        keys = sorted(
            groups, key=lambda k: (k is None, order.get(k, len(order)) if k else 0, k or 0)
        )
        return tuple(Group(groups[k][0].department, tuple(groups[k])) for k in keys)

    made = sorted(
        (p for p in snapshot.pledges if p.meeting_id == meeting.id),
        key=lambda p: (p.due_on or date.max, p.id),
    )
    pledges = grouped((p.department_id, pledge_item(p)) for p in made)

    open_items: list[tuple[int | None, Item]] = [
        (p.department_id, pledge_item(p))
        for p in snapshot.pledges
        if not p.is_closed
    ]
    for b in snapshot.blockers:
        if b.is_open:
            item = Item(
                "blocker",
                b.id,
                department(b.department_id),
                f"【{t(f'blocker.{b.category}')}】{b.description}",
                project(b.project_id),
                b.due_on,
                blocker_light(b, today),
                "open",
            )
            open_items.append((b.department_id, item))
    open_items.sort(key=lambda pair: (-pair[1].light.severity, pair[1].due_on or date.max))
    supervision = grouped(open_items)

    red = sorted(
        (p for p in snapshot.projects if status.projects[p.id].light is Light.RED),
        key=lambda p: (-(status.projects[p.id].behind or 0.0), p.code),
    )
    return Minutes(
        rates=rates(snapshot.projects, today),
        meeting_id=meeting.id,
        title=meeting.title,
        zone=snapshot.meta.zone_name,
        held_on=meeting.held_on,
        today=today,
        attendees=tuple(g.department for g in pledges),
        pledges=pledges,
        supervision=supervision,
        red=tuple(
            RedProject(
                p.code,
                p.name,
                department(p.lead_department_id),
                t(f"stage.{p.stage}"),
                p.progress,
                status.projects[p.id].expected,
                tuple(t(f"reason.{r}") for r in status.projects[p.id].reasons),
            )
            for p in red
        ),
    )
