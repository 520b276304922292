"""What the bench's parent and its child (the probe inside the real app) must agree on.

The marker the writer puts in a project's name, the headless screen size and the shape of an
event. This module imports nothing of the board, so both sides load it without loading each
other.
"""

from __future__ import annotations

import re
from typing import Any

SCREEN_SIZE = (160, 48)
# The writer renames one project `«000123» <its name>`; the probe reads the number back.
MARKER = re.compile(r"^«(\d+)» ")
Event = dict[str, Any]
