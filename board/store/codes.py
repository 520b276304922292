"""The code lists of the shared file: the English codes other tools write, in canonical order.

The UI shows them in Chinese through `board.i18n`; the database only ever holds these codes.
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


def sql_in(values: tuple[str, ...]) -> str:
    """Render a code list as the body of an SQL `IN (...)` for CHECK constraints."""
    return ", ".join(f"'{v}'" for v in values)
