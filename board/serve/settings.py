"""What `board serve` was given (ServeSettings) and what one browser tab asked for (PageView).

A tab's wishes come from its address (`?fontsize=28&present=15&lang=en&theme=contrast`); they
are checked here and become the board's own options, passed to its process as an argument list
(never through a shell: a query string is typed by anyone who can reach the page).
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from board.config import DEFAULT_THEME, THEME_NAMES
from board.i18n import normalise_language

FONT_SIZE: Final = 16  # xterm.js's pixels per cell height unless ?fontsize= says otherwise
FONT_SIZES: Final = range(6, 129)
MIN_SLIDE_SECONDS: Final = 3  # as `board --present`


@dataclass(frozen=True)
class ServeSettings:
    """Everything `board serve` was given, checked."""

    db: Path | str  # a file, or a server database's URL (the tab's --db as given)
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_sessions: int = 8
    public_url: str | None = None
    certfile: Path | None = None
    keyfile: Path | None = None
    edit: bool = False
    allow_origins: tuple[str, ...] = ()
    # The board's own options, every tab's defaults (the group's: `board --lang en serve`).
    lang: str = "zh-CN"
    theme: str = DEFAULT_THEME
    present: int | None = None
    today: date | None = None
    poll: bool = False
    # How to start a board; the default is this very interpreter and package.
    command: tuple[str, ...] = field(default=(sys.executable, "-m", "board.cli.tab"))

    @property
    def scheme(self) -> str:
        return "https" if self.certfile else "http"

    @property
    def url(self) -> str:
        """Where a viewer opens the board (the public URL when behind a proxy)."""
        if self.public_url:
            return self.public_url.rstrip("/") + "/"
        host = self.host if self.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"{self.scheme}://{host}:{self.port}/"

    def origins(self) -> frozenset[str]:
        """The Origins a WebSocket may come from besides the page's own host."""
        extra = [*self.allow_origins, *([self.public_url] if self.public_url else [])]
        return frozenset(o for o in (origin_of(url) for url in extra) if o)


@dataclass(frozen=True)
class PageView:
    """What one tab asked for in its address, each value checked (a bad one is ignored)."""

    font_size: int = FONT_SIZE
    lang: str = "zh-CN"
    theme: str = DEFAULT_THEME
    present: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str], defaults: ServeSettings) -> PageView:
        font_size = whole_number(query.get("fontsize"))
        present = whole_number(query.get("present"))
        lang = normalise_language(query.get("lang", "")) or defaults.lang
        theme = query.get("theme", "")
        return cls(
            font_size=font_size if font_size is not None and font_size in FONT_SIZES else FONT_SIZE,
            lang=lang,
            theme=theme if theme in THEME_NAMES else defaults.theme,
            present=present
            if present is not None and present >= MIN_SLIDE_SECONDS
            else (None if "present" in query else defaults.present),
        )

    def socket_path(self) -> str:
        """The WebSocket's path, relative to the page: the view travels in it, because
        textual-serve's script appends its own `?width=…&height=…` to the address."""
        return f"ws/{self.lang}/{self.theme}/{self.present or 0}"

    @classmethod
    def from_socket_path(cls, lang: str, theme: str, present: str) -> PageView | None:
        """The view of a WebSocket path; None when any part is not one board knows."""
        seconds = whole_number(present)
        if (
            normalise_language(lang) != lang
            or theme not in THEME_NAMES
            or seconds is None
            or 0 < seconds < MIN_SLIDE_SECONDS
        ):
            return None
        return cls(lang=lang, theme=theme, present=seconds or None)


def whole_number(text: str | None) -> int | None:
    if text is None or not text.strip().isdigit():
        return None
    return int(text.strip()[:6])


def board_argv(settings: ServeSettings, view: PageView) -> list[str]:
    """The command line of one tab's board."""
    argv = [*settings.command, "--db", str(settings.db), "--lang", view.lang]
    argv += ["--theme", view.theme]
    if view.present:
        argv += ["--present", str(view.present)]
    if settings.today:
        argv += ["--today", settings.today.isoformat()]
    if settings.poll:
        argv.append("--poll")
    if settings.edit:
        argv.append("--edit")
    return argv


def is_loopback(host: str) -> bool:
    """True when only this machine can reach `host` (an empty host or 0.0.0.0 is everyone)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any address


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of a URL, lower case; None when it has no scheme or host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()
