"""Business endpoints: balance, verification, authorizations, captures, voids, refunds."""

import json
import sqlite3

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from simulator import acs, captures, cards, holds
from simulator.db import utc_now
from simulator.errors import ErrorCode, ErrorType, SimError
from simulator.faults import Operation
from simulator.holds import OpContext
from simulator.idempotency import LedgerOp
from simulator.ledger import available, cardholder_account_id
from simulator.models import (
    AuthorizeIn,
    BalanceInquiryIn,
    BalanceInquiryOut,
    CaptureIn,
    Card,
    RefundIn,
    RequestStatusOut,
    VerifyIn,
    VerifyOut,
    VoidIn,
)
from simulator.pipeline import error_response, mutate, read_only, respond, state

router = APIRouter(prefix="/v1")


@router.post("/balance_inquiries")
async def balance_inquiry(request: Request) -> Response:
    """Report what a card could authorize now, in minor units."""
    sim = state(request)

    def run(body: BalanceInquiryIn, ctx: OpContext) -> BaseModel:
        holds.check_format(body.card.number, body.currency)
        profile = cards.profile_for(body.card.number)
        account = cardholder_account_id(cards.fingerprint(sim.db.salt, body.card.number),
                                         body.currency)  # fmt: skip
        with sim.db.read() as conn:
            current = available(conn, account)
        if current is None:  # Not used yet: the account would open with this much.
            current = cards.opening_balance(profile, body.currency)
        return BalanceInquiryOut(available=current, currency=body.currency, funding=profile.funding)

    return await read_only(request, Operation.BALANCE, BalanceInquiryIn, run)


@router.post("/cards/verify")
async def verify_card(request: Request) -> Response:
    """Check a card and its CVC without moving money."""

    def run(body: VerifyIn, ctx: OpContext) -> BaseModel:
        card = Card(number=body.number, exp_month=body.exp_month, exp_year=body.exp_year)
        checked = holds.verify_card(card, ctx.now)
        return VerifyOut(brand=cards.brand_of(checked.number), last4=checked.number[-4:],
                         funding=checked.profile.funding)  # fmt: skip

    return await read_only(request, Operation.VERIFY, VerifyIn, run)


@router.post("/authorizations")
async def authorize(request: Request) -> Response:
    """Place a hold on the card for a merchant."""
    salt = state(request).db.salt

    def build(body: AuthorizeIn) -> LedgerOp:
        def op(conn: sqlite3.Connection, ctx: OpContext) -> tuple[int, BaseModel]:
            acs.require_authenticated(conn, salt, body)
            return 201, holds.authorize(conn, salt, body, ctx)

        return op

    return await mutate(request, Operation.AUTHORIZE, AuthorizeIn, build)


@router.post("/authorizations/{auth_id}/capture")
async def capture(request: Request, auth_id: str) -> Response:
    """Capture part or all of a hold."""

    def build(body: CaptureIn) -> LedgerOp:
        return lambda conn, ctx: (200, captures.capture(conn, auth_id, body, ctx))

    return await mutate(request, Operation.CAPTURE, CaptureIn, build, lambda _: auth_id)


@router.post("/authorizations/{auth_id}/void")
async def void(request: Request, auth_id: str) -> Response:
    """Release a hold without capturing it."""

    def build(body: VoidIn) -> LedgerOp:
        return lambda conn, ctx: (200, captures.void(conn, auth_id, body, ctx))

    return await mutate(request, Operation.VOID, VoidIn, build, lambda _: auth_id)


@router.post("/refunds")
async def refund(request: Request) -> Response:
    """Refund captured money, possibly in several parts."""

    def build(body: RefundIn) -> LedgerOp:
        return lambda conn, ctx: (201, captures.refund(conn, body, ctx))

    return await mutate(request, Operation.REFUND, RefundIn, build, lambda b: b.authorization_id)


@router.get("/authorizations/{auth_id}")
async def get_authorization(request: Request, auth_id: str) -> Response:
    """Return a hold's current state, expiring it first if it is overdue."""
    db = state(request).db

    def run() -> bytes:
        with db.write() as conn:
            holds.expire_overdue(conn, utc_now(), auth_id)
            return holds.hold_out(holds.load_hold(conn, auth_id)).model_dump_json().encode()

    try:
        return respond(200, await run_in_threadpool(run))
    except SimError as err:
        return error_response(err)


@router.get("/requests/{key:path}")
async def request_status(request: Request, key: str) -> Response:
    """Say whether a request with this Idempotency-Key completed, and what it answered."""
    db = state(request).db

    def run() -> sqlite3.Row | None:
        with db.read() as conn:
            row: sqlite3.Row | None = conn.execute(
                "SELECT status_code, body FROM idempotency_keys WHERE key = ?", (key,)
            ).fetchone()
            return row

    row = await run_in_threadpool(run)
    if row is None and key in state(request).in_flight:
        busy = SimError(409, ErrorType.INVALID_REQUEST_ERROR, ErrorCode.REQUEST_IN_PROGRESS,
                        "A request with this key is being processed; ask again later.")  # fmt: skip
        return error_response(busy)
    if row is None:
        err = SimError(404, ErrorType.INVALID_REQUEST_ERROR, ErrorCode.REQUEST_NOT_FOUND,
                       "No completed request has this key.")  # fmt: skip
        return error_response(err)
    out = RequestStatusOut(idempotency_key=key, status_code=row[0], body=json.loads(row[1]))
    return respond(200, out.model_dump_json().encode())
