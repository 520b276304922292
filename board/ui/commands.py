"""Command palette (ctrl+p) provider: jump to a department or a project by name."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from board.i18n import t
from board.view.words import clean

if TYPE_CHECKING:
    from board.ui.app import BoardApp


class JumpProvider(Provider):
    """Every department and project, matched fuzzily against what is typed."""

    def _targets(self) -> list[tuple[str, str, int]]:
        app = cast("BoardApp", self.app)
        board = app.board
        if board is None:
            return []
        targets = [
            (t("cmd.jump_department", name=clean(d.name)), "department", d.id)
            for d in board.snapshot.departments
        ]
        targets += [
            (t("cmd.jump_project", name=f"{clean(p.name)} {clean(p.code)}"), "project", p.id)
            for p in board.snapshot.projects
        ]
        return targets

    async def discover(self) -> Hits:
        app = cast("BoardApp", self.app)
        for label, kind, ident in self._targets()[:40]:
            yield DiscoveryHit(label, partial(app.jump_to, kind, ident))

    async def search(self, query: str) -> Hits:
        app = cast("BoardApp", self.app)
        matcher = self.matcher(query)
        for label, kind, ident in self._targets():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(app.jump_to, kind, ident))
