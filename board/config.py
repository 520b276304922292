"""What the command line and the app share: how the board is shown, the theme names, the keymap.

The CLI parses options into a `DisplayOptions` and hands it to the app; neither owns the other's
module (the app once imported its options from the CLI, and the CLI the app: a cycle). The
keymap file is read here too, so that `board` and a test find it in the same place.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

# The three looks of the board: the default dark one, a high-contrast one for projectors, and
# a light one for bright rooms. The app maps each to a Textual theme (board.ui.themes).
THEME_NAMES: Final = ("default", "contrast", "light")
DEFAULT_THEME: Final = "default"
SLIDE_SECONDS: Final = 15  # a slideshow page, unless --present says otherwise


@dataclass(frozen=True)
class DisplayOptions:
    """How the board is shown: everything `board` takes besides the database."""

    today: date | None = None
    theme: str = DEFAULT_THEME
    present: int | None = None
    poll: bool = False
    log: Path | None = None
    edit: bool = False


def keymap_path() -> Path:
    """Where a keymap override lives: $BOARD_KEYMAP, else ~/.config/board/keymap.toml
    ($XDG_CONFIG_HOME when set; the same folder on Windows and macOS, under the home)."""
    env = os.environ.get("BOARD_KEYMAP")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "board" / "keymap.toml"


def read_keymap(path: Path) -> dict[str, str]:
    """Binding id → keys from a keymap file (`[keymap]` table, or the top level); {} when the
    file does not exist. Raises OSError, tomllib.TOMLDecodeError or ValueError when it is bad."""
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    keymap = data.get("keymap", data)
    if not isinstance(keymap, dict):
        raise ValueError(f"[keymap] is not a table: {keymap!r}")
    return {str(k): str(v) for k, v in keymap.items()}
