"""Placeholder until the live board lands."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def run_board(db: Path, options: Any) -> int:
    print("board: the live board is not built yet")
    return 0
