"""The ``Allow`` header of a 405: which methods a URL has."""

from __future__ import annotations

from fastapi import Request
from starlette.routing import Match, Mount

# Methods the API may route; OPTIONS and TRACE are never routed, so never allowed.
_ROUTABLE = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
# What the one mount (api.docs_ui's static files) answers; it raises its 405 without Allow.
_STATIC = "GET, HEAD"


def allowed_methods(request: Request) -> str:
    """The ``Allow`` value: every method some route accepts for this request's path.

    Starlette's own 405 names only the first route whose path matched, and ``/v1/payments``
    has one route per method, so each method is tried against the whole router.
    """
    scope = request.scope
    top = {"type": "http", "path": scope["path"], "root_path": scope.get("app_root_path", "")}
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]
    allowed = [
        method
        for method in _ROUTABLE
        if any(r.matches({**top, "method": method})[0] is Match.FULL for r in routes)
    ]
    return ", ".join(allowed) or _STATIC
