"""The code lists of the shared file: the English codes other tools write, in canonical order.

Every list and order lives here once: the schema's CHECKs, the reader's checks, the panels'
orders and the importer's words all come from these tuples. The UI shows them in Chinese
through `board.i18n`; the database only ever holds these codes.
"""

from typing import Final

STAGES: Final = ("signed", "landed", "started", "completed", "producing")
CATEGORIES: Final = ("investment", "upgrade", "incubation", "infrastructure")
PLEDGE_STATUSES: Final = ("open", "in_progress", "done", "dropped")
BLOCKER_CATEGORIES: Final = ("land", "funds", "permits", "utilities", "stability", "other")
DEPARTMENT_KINDS: Final = ("bureau", "office", "village", "enterprise")
CHANGE_ACTIONS: Final = ("insert", "update", "delete")

# The stage date column that records reaching each stage.
STAGE_DATE_COLUMNS: Final = {
    "signed": "signed_on",
    "landed": "landed_on",
    "started": "started_on",
    "completed": "completed_on",
    "producing": "producing_on",
}


def stage_index(stage: str) -> int:
    """0..4 along 签约 → 投产; an unknown stage counts as the first."""
    return STAGES.index(stage) if stage in STAGES else 0


def sql_in(values: tuple[str, ...]) -> str:
    """Render a code list as the body of an SQL `IN (...)` for CHECK constraints."""
    return ", ".join(f"'{v}'" for v in values)
