"""``/metrics`` and per-route request metrics for the FastAPI apps (API and simulator)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

REQUESTS = Counter(
    "http_requests", "HTTP requests by app, method, route template and status.",
    ["app", "method", "route", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "http_request_seconds", "HTTP request latency by app and route template.", ["app", "route"]
)


def _route(request: Request) -> str:
    # The template (/v1/payments/{payment_id}), never the raw path: ids stay out of labels.
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def instrument(app: FastAPI, name: str) -> None:
    """Count and time every request of ``app`` and serve the registry at ``/metrics``."""

    @app.middleware("http")
    async def _measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.monotonic()
        response = await call_next(request)
        route = _route(request)
        if route != "/metrics":
            labels = {"app": name, "method": request.method, "route": route}
            REQUESTS.labels(**labels, status=str(response.status_code)).inc()
            LATENCY.labels(app=name, route=route).observe(time.monotonic() - started)
        return response

    app.add_api_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)


async def _metrics() -> Response:
    """This process's registry in the Prometheus text format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
