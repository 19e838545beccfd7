"""Liveness and readiness."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import State
from api.docs import error_responses
from api.errors import dumps, render
from api.temporal import unreachable

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> Response:
    """The process serves requests."""
    return Response(dumps({"status": "ok"}), media_type="application/json")


@router.get("/readyz", responses=error_responses(503))
async def readyz(state: State) -> Response:
    """Ready only when Temporal answers a health check."""
    try:
        healthy = await state.client.service_client.check_health(timeout=timedelta(seconds=2))
    except Exception:  # any failure to reach Temporal means not ready
        healthy = False
    if not healthy:
        return render(unreachable())
    return Response(dumps({"status": "ready"}), media_type="application/json")
