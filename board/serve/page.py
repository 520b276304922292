"""board's own pages, in the tab's language: the board page, the same page when every session
is taken (it waits and retries by itself), and the 401 and 403 pages.

textual-serve's page links its font from Google and ends in "Session ended" with a Restart
button; this one links nothing outside the server (an office network may have no internet, a
Chinese one no Google) and reconnects by itself (static/page.js).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import jinja2
from aiohttp import web

from board.i18n import CATALOGS, DEFAULT_LANGUAGE
from board.serve.settings import PageView

HERE: Final = Path(__file__).resolve().parent
STATIC: Final = HERE / "static"
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def words(lang: str, key: str, **values: object) -> str:
    """`t()` in a tab's language rather than the server's."""
    catalog = CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE])
    template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    return template.format(**values) if values else template


def html_lang(lang: str) -> str:
    return "zh-CN" if lang == "zh-CN" else lang


def board_page(view: PageView, *, full: bool) -> web.Response:
    """The board (or, when `full`, the notice that every session is taken, retrying)."""
    lang = view.lang
    body = TEMPLATES.get_template("page.html").render(
        lang=html_lang(lang),
        title=words(lang, "serve.page.title"),
        font_size=view.font_size,
        socket_path=view.socket_path(),
        full=full,
        reconnecting=words(lang, "serve.page.reconnecting"),
        full_text=words(lang, "serve.page.full"),
        expired=words(lang, "serve.page.expired"),
    )
    response = web.Response(
        text=body, content_type="text/html", charset="utf-8", status=503 if full else 200
    )
    response.headers["Cache-Control"] = "no-store"
    if full:
        response.headers["Retry-After"] = "5"
    return response


def notice_page(lang: str, status: int, key: str) -> web.Response:
    """A short page that says why (401: no token; 403: a foreign page)."""
    body = TEMPLATES.get_template("notice.html").render(
        lang=html_lang(lang), title=words(lang, "serve.page.title"), text=words(lang, key)
    )
    return web.Response(text=body, content_type="text/html", charset="utf-8", status=status)
