"""The red projects page: the slideshow's last, after each department's page."""

from __future__ import annotations

from rich.text import Text

from board.i18n import t
from board.ui.columns import KEEP, AlignedRows, Column
from board.ui.screens.detail import DetailScreen
from board.ui.screens.rows import UNIT
from board.ui.text import light_text
from board.view.selections import red_projects
from board.view.words import clean, pipeline, progress_bar


class RedProjectsScreen(DetailScreen):
    """The slideshow's last page: every red project and why it is red."""

    def build(self) -> tuple[Text, AlignedRows | Text]:
        board = self.board
        projects = red_projects(board)
        title = Text()
        title.append_text(
            light_text(board.status.projects[projects[0].id].light, self.family)
            if projects
            else Text("")
        )
        title.append(f"  {t('present.red')}（{len(projects)}）")
        if not projects:
            return title, Text(t("empty.filtered"), style="dim")
        rows = []
        for p in projects:
            status = board.status.projects[p.id]
            rows.append(
                (
                    light_text(status.light, self.family),
                    Text(clean(p.name), style="bold"),
                    Text(f"{pipeline(p.stage)} {progress_bar(p.progress)}"),
                    Text(clean(board.department_name(p.lead_department_id)) or "—"),
                    Text("；".join(t(f"reason.{r}") for r in status.reasons)),
                )
            )
        columns = (KEEP, Column(floor=8, most=28), KEEP, UNIT, Column(wrap=True))
        table = AlignedRows(rows, columns)
        return title, table
