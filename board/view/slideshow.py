"""The slideshow (presentation mode): which page comes next and when. No Textual here.

Pages: the overview, then each department's page in speaking order, then the red projects,
本周节点, 冲刺进度 and the countdown.
The app ticks it once a second while it runs; any key pauses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from board.i18n import t
from board.view.board import Board


@dataclass(frozen=True)
class Page:
    kind: str  # "overview" | "department" | "red" | "week" | "sprint" | "countdown"
    ident: int = 0
    name: str = ""


def pages_for(board: Board) -> list[Page]:
    pages = [Page("overview", name=t("present.overview"))]
    pages += [Page("department", d.id, d.name) for d in board.snapshot.departments]
    pages.append(Page("red", name=t("present.red")))
    pages += [Page(kind, name=t(f"present.{kind}")) for kind in ("week", "sprint", "countdown")]
    return pages


@dataclass
class Slideshow:
    seconds: int = 15
    running: bool = False
    index: int = 0
    left: int = 15
    pages: list[Page] = field(default_factory=lambda: [Page("overview")])

    def start(self, board: Board | None) -> None:
        if board is not None:
            self.pages = pages_for(board)
        self.running = True
        self.left = self.seconds

    def pause(self) -> None:
        self.running = False

    def update_pages(self, board: Board) -> None:
        """Keep the position (by page identity) when departments come and go."""
        current = self.current
        self.pages = pages_for(board)
        same = [
            i
            for i, p in enumerate(self.pages)
            if (p.kind, p.ident) == (current.kind, current.ident)
        ]
        self.index = same[0] if same else min(self.index, len(self.pages) - 1)

    @property
    def current(self) -> Page:
        return self.pages[self.index % len(self.pages)]

    @property
    def upcoming(self) -> Page:
        return self.pages[(self.index + 1) % len(self.pages)]

    def tick(self) -> bool:
        """One second passed; True when it is time to show the next page."""
        if not self.running:
            return False
        self.left -= 1
        if self.left > 0:
            return False
        self.index = (self.index + 1) % len(self.pages)
        self.left = self.seconds
        return True

    def indicator(self) -> str | None:
        if not self.running:
            return None
        return t("present.next", name=self.upcoming.name, seconds=self.left)
