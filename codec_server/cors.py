"""CORS for exactly the configured Web UI origins: never ``*``, preflights from others get 403."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

ALLOW_HEADERS = "Content-Type, X-Namespace, Authorization"
ALLOW_METHODS = "POST"
MAX_AGE_SECONDS = "600"

Handler = Callable[[Request], Awaitable[Response]]


class Cors:
    """An HTTP middleware: preflight answers and ``Access-Control-Allow-Origin`` on responses."""

    def __init__(self, origins: list[str], *, allow_credentials: bool) -> None:
        """Allow the exact ``origins`` (scheme, host and port)."""
        if "*" in origins:
            raise ValueError("a wildcard origin would let any web page ask for decryption")
        self._origins = frozenset(o.rstrip("/") for o in origins)
        self._credentials = allow_credentials

    def allowance(self, origin: str) -> dict[str, str]:
        """Headers that let ``origin`` read the response; empty for any other origin."""
        if origin not in self._origins:
            return {}
        headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        if self._credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        return headers

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        """Answer preflights here; add the allowance to every other response."""
        origin = request.headers.get("origin", "")
        allowed = self.allowance(origin)
        if request.method == "OPTIONS":
            if not allowed:
                return Response(status_code=403, headers={"Vary": "Origin"})
            preflight = {
                "Access-Control-Allow-Methods": ALLOW_METHODS,
                "Access-Control-Allow-Headers": ALLOW_HEADERS,
                "Access-Control-Max-Age": MAX_AGE_SECONDS,
            }
            return Response(status_code=204, headers={**allowed, **preflight})
        response = await call_next(request)
        response.headers.update(allowed or {"Vary": "Origin"})
        return response
