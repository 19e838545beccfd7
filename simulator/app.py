"""Application factory for the card-processor simulator."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from infra.http_metrics import instrument
from simulator import acs_routes, admin, routes
from simulator.db import Database
from simulator.errors import ErrorCode, ErrorType, SimError
from simulator.faults import Faults
from simulator.pipeline import Simulator, error_response

logger = logging.getLogger("simulator")


def create_app(db_path: Path, *, seed: int | None = None) -> FastAPI:
    """Build the simulator app over the SQLite ledger at ``db_path``.

    Args:
        db_path: Ledger file; created with a fresh fingerprint salt if missing.
        seed: Seed for the fault-injection random generator, for reproducible runs.
    """
    sim = Simulator(db=Database(db_path), faults=Faults(seed))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(sim.db.close)

    app = FastAPI(title="Card-processor simulator", lifespan=lifespan)
    app.state.sim = sim
    app.include_router(routes.router)
    app.include_router(admin.router)
    app.include_router(acs_routes.router)
    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_exception_handler(Exception, _unexpected)
    instrument(app, "simulator")
    return app


async def healthz() -> dict[str, str]:
    """Liveness probe; deliberately untouched by injected faults."""
    return {"status": "ok"}


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Log only the exception type: its message or traceback could carry request data.
    logger.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return error_response(
        SimError(500, ErrorType.API_ERROR, ErrorCode.INTERNAL_ERROR, "An internal error occurred.")
    )
