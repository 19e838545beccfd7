"""Admin endpoints: fault injection, hold expiry and ledger inspection.

These are test and operator controls, so faults never apply to them and they need no
Idempotency-Key (each one is naturally idempotent or read-only).
"""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from simulator import reports
from simulator.db import utc_now
from simulator.errors import SimError
from simulator.faults import FaultConfig
from simulator.holds import expire_overdue
from simulator.pipeline import error_response, respond, state
from simulator.validation import parse

router = APIRouter(prefix="/v1/admin")


class ExpiredCount(BaseModel):
    """How many holds an expiry sweep released."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    expired: int


def _json(model: BaseModel) -> Response:
    return respond(200, model.model_dump_json().encode())


@router.get("/faults")
async def get_faults(request: Request) -> Response:
    """Return the active fault configuration."""
    return _json(state(request).faults.config)


@router.put("/faults")
async def put_faults(request: Request) -> Response:
    """Replace the fault configuration; omitted fields take their no-fault defaults."""
    try:
        config, _ = parse(await request.body(), FaultConfig)
    except SimError as err:
        return error_response(err)
    state(request).faults.config = config
    return _json(config)


@router.delete("/faults")
async def delete_faults(request: Request) -> Response:
    """Turn every fault off."""
    state(request).faults.config = FaultConfig()
    return _json(state(request).faults.config)


@router.post("/holds/expire")
async def expire_holds(request: Request) -> Response:
    """Expire every pending hold past its expiry and report how many."""
    db = state(request).db

    def run() -> int:
        with db.write() as conn:
            return expire_overdue(conn, utc_now())

    return _json(ExpiredCount(expired=await run_in_threadpool(run)))


@router.get("/ledger/check")
async def ledger_check(request: Request) -> Response:
    """Check that postings balance and no guarded account is overdrawn."""
    db = state(request).db

    def run() -> reports.LedgerCheck:
        with db.read() as conn:
            return reports.ledger_check(conn)

    return _json(await run_in_threadpool(run))


@router.get("/effects")
async def effects(request: Request, payment_id: str | None = None) -> Response:
    """List applied effects and received attempts, optionally for one payment."""
    db = state(request).db

    def run() -> reports.Effects:
        with db.read() as conn:
            return reports.effects(conn, payment_id)

    return _json(await run_in_threadpool(run))
