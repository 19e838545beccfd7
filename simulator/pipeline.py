"""The request pipeline shared by business endpoints: faults, validation, execution.

Handlers are async so injected latency and hangs only park a coroutine; the SQLite work
runs in the threadpool, where each thread has its own connection.
"""

import asyncio
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi import Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from simulator.db import Database, utc_now
from simulator.errors import ErrorCode, ErrorType, SimError
from simulator.faults import Decision, Faults, Operation
from simulator.holds import OpContext, expire_overdue
from simulator.idempotency import (
    Call,
    LedgerOp,
    Outcome,
    Touch,
    check_key,
    execute,
    log_only,
    request_hash,
)
from simulator.validation import loose_json, parse

M = TypeVar("M", bound=BaseModel)
JSON = "application/json"


@dataclass
class Simulator:
    """Process-wide state reachable from every request."""

    db: Database
    faults: Faults
    in_flight: set[str] = field(default_factory=set)
    """Keys of requests received but not yet answered, so an inquiry can say "in progress"."""


def state(request: Request) -> Simulator:
    """Return the simulator attached to the application."""
    sim: Simulator = request.app.state.sim
    return sim


def respond(status: int, body: bytes, replayed: bool = False) -> Response:
    """Return a JSON response with an already serialized body."""
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(content=body, status_code=status, media_type=JSON, headers=headers)


def error_response(err: SimError) -> Response:
    """Return the JSON response for an error."""
    return respond(err.status, err.body())


async def _inflict(decision: Decision) -> None:
    """Apply the pre-handling faults, raising the error to answer with, if any."""
    if decision.outage:
        raise SimError(503, ErrorType.API_ERROR, ErrorCode.SERVICE_UNAVAILABLE,
                        "The processor is unavailable; nothing was changed.")  # fmt: skip
    if decision.latency_seconds:
        await asyncio.sleep(decision.latency_seconds)
    if decision.error:
        raise SimError(500, ErrorType.API_ERROR, ErrorCode.INTERNAL_ERROR,
                        "The processor had an internal error; nothing was changed.")  # fmt: skip


def _expirer(hold_id: str) -> Touch:
    def touch(conn: sqlite3.Connection, ctx: OpContext) -> None:
        expire_overdue(conn, ctx.now, hold_id)

    return touch


def _call(request: Request, operation: Operation, raw: bytes) -> Call:
    loose = loose_json(raw)
    payment_id, step = loose.get("payment_id"), loose.get("step")
    return Call(
        key=request.headers.get("Idempotency-Key", ""), method=request.method,
        path=request.url.path, operation=operation,
        payment_id=payment_id if isinstance(payment_id, str) else None,
        step=step if isinstance(step, str) else None,
    )  # fmt: skip


async def mutate(
    request: Request,
    operation: Operation,
    model: type[M],
    build: Callable[[M], LedgerOp],
    hold_of: Callable[[M], str] | None = None,
) -> Response:
    """Run a mutating request exactly once per Idempotency-Key.

    ``build`` turns the parsed body into the operation to run inside the transaction;
    ``hold_of`` names the hold the request touches, so an overdue one is expired first.
    """
    sim, raw = state(request), await request.body()
    call = _call(request, operation, raw)
    sim.in_flight.add(call.key)
    try:
        header = request.headers.get("Idempotency-Key")
        return await _mutate(sim, (call, operation, header), raw, model, build, hold_of)
    finally:
        sim.in_flight.discard(call.key)


async def _mutate(
    sim: Simulator,
    received: tuple[Call, Operation, str | None],
    raw: bytes,
    model: type[M],
    build: Callable[[M], LedgerOp],
    hold_of: Callable[[M], str] | None,
) -> Response:
    call, operation, header = received
    decision = sim.faults.decide(operation)
    try:
        await _inflict(decision)
        check_key(header)
        body, data = parse(raw, model)
    except SimError as err:
        await run_in_threadpool(log_only, sim.db, call, f"error:{err.detail.code}", err.status)
        return error_response(err)
    digest = request_hash(sim.db.salt, call, data)
    touch = None if hold_of is None else _expirer(hold_of(body))
    outcome: Outcome = await run_in_threadpool(execute, sim.db, call, digest, build(body), touch)
    if decision.hang_seconds is not None:
        # The effect is committed; answering late makes the client see a timeout.
        await asyncio.sleep(decision.hang_seconds)
    return respond(outcome.status, outcome.body, outcome.replayed)


async def read_only(
    request: Request, operation: Operation, model: type[M], run: Callable[[M, OpContext], BaseModel]
) -> Response:
    """Run a read-only request: faults apply, no Idempotency-Key, nothing stored."""
    sim, raw = state(request), await request.body()
    decision = sim.faults.decide(operation)
    try:
        await _inflict(decision)
        body, _ = parse(raw, model)
        result = await run_in_threadpool(run, body, OpContext("", 1, utc_now()))
    except SimError as err:
        return error_response(err)
    if decision.hang_seconds is not None:
        await asyncio.sleep(decision.hang_seconds)
    return respond(200, result.model_dump_json().encode())
