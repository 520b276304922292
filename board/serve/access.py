"""Who may see the board: the token, the cookie it becomes, and the WebSocket's Origin.

Every request but a static asset needs the token: `?token=…` once (the page then redirects to
its own address without it, so the token does not stay in the address bar or the history), then
an HttpOnly, SameSite=Strict cookie. Both are compared in constant time (hmac.compare_digest).
The cookie holds an HMAC of the token, not the token: changing the token ends every cookie.

A page on another site can open a WebSocket to the board with the viewer's cookie (browsers send
it; this is cross-site WebSocket hijacking), so the WebSocket also checks `Origin` against the
page's own host, the public URL and any `--allow-origin`: 403 otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web

from board.serve.settings import origin_of

COOKIE: Final = "board_token"
COOKIE_DAYS: Final = 400  # the longest a browser keeps a cookie: a TV is set up once
STATIC_PREFIX: Final = "/static/"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Refusal = Callable[[web.Request], web.Response]


class Access:
    """The token (None: an open board on loopback) and the Origins allowed besides the host's."""

    def __init__(self, token: str | None, origins: frozenset[str] = frozenset()) -> None:
        self.token = token
        self.origins = origins
        self.cookie_value = (
            hmac.new(token.encode("utf-8"), b"board-serve-cookie", hashlib.sha256).hexdigest()
            if token is not None
            else None
        )

    @property
    def open(self) -> bool:
        return self.token is None

    def token_matches(self, given: str) -> bool:
        if self.token is None:
            return True
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def cookie_matches(self, given: str | None) -> bool:
        if self.cookie_value is None:
            return True
        if given is None:
            return False
        return hmac.compare_digest(given.encode("utf-8"), self.cookie_value.encode("utf-8"))

    def origin_allowed(self, request: web.Request) -> bool:
        """The browser's Origin is the page's own host (as the request names it), or allowed."""
        origin = origin_of(request.headers.get("Origin", ""))
        if origin is None:
            return False  # every browser sends one; a missing one is not a browser's page
        if origin in self.origins:
            return True
        return origin.split("://", 1)[1] == request.host.lower()

    def set_cookie(self, response: web.StreamResponse, request: web.Request) -> None:
        assert self.cookie_value is not None
        response.set_cookie(
            COOKIE,
            self.cookie_value,
            max_age=COOKIE_DAYS * 86400,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=is_https(request),
        )


def is_https(request: web.Request) -> bool:
    """Served over TLS, here or (as a proxy that says so tells) in front of us."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https"


def without_token(request: web.Request) -> str:
    """The request's own address without `token`, relative (a proxy may serve us under /board/)."""
    rest = [(k, v) for k, v in request.query.items() if k != "token"]
    query = request.rel_url.with_query(rest).query_string
    return f"?{query}" if query else "./"


def guard(access: Access, refuse: Refusal) -> Callable[..., Awaitable[web.StreamResponse]]:
    """aiohttp middleware: let static assets through, check the token or its cookie on the rest."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if access.open or request.path.startswith(STATIC_PREFIX):
            return await handler(request)
        given = request.query.get("token")
        if given is not None:
            if not access.token_matches(given):
                return refuse(request)
            if request.method == "GET" and request.path == "/":
                redirect = web.Response(status=303, headers={"Location": without_token(request)})
                access.set_cookie(redirect, request)
                return redirect
            response = await handler(request)
            if not response.prepared:
                access.set_cookie(response, request)
            return response
        if access.cookie_matches(request.cookies.get(COOKIE)):
            return await handler(request)
        return refuse(request)

    return middleware
