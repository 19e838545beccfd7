"""Resolving holds by capture or void, and refunding captured money."""

import sqlite3

from simulator.errors import ErrorCode, ErrorType, SimError, conflict
from simulator.holds import OpContext, load_hold, resolution_kind, resolve
from simulator.ledger import TransferSpec, new_id, transfer
from simulator.models import CaptureIn, CaptureOut, RefundIn, RefundOut, VoidIn, VoidOut


def _too_large(message: str) -> SimError:
    return SimError(422, ErrorType.INVALID_REQUEST_ERROR, ErrorCode.AMOUNT_TOO_LARGE, message)


def capture(conn: sqlite3.Connection, hold_id: str, req: CaptureIn, ctx: OpContext) -> CaptureOut:
    """Post part or all of a hold to the merchant and release the rest."""
    hold = load_hold(conn, hold_id)
    resolve(conn, hold, "captured", req.amount, ctx, req.payment_id, req.step)
    try:
        conn.execute("UPDATE holds SET captured_amount = ? WHERE id = ?", (req.amount, hold_id))
    except sqlite3.IntegrityError:
        # CHECK (captured_amount <= amount); the caller rolls the resolution back too.
        raise _too_large("The capture amount exceeds the authorized amount.") from None
    capture_id = new_id("cap")
    spec = TransferSpec("capture", req.payment_id, req.step, ctx.idempotency_key, hold_id)
    transfer(conn, hold["cardholder_account"], hold["merchant_account"], req.amount,
             hold["currency"], spec, transfer_id=capture_id)  # fmt: skip
    return CaptureOut(
        id=capture_id, authorization_id=hold_id, amount=req.amount, currency=hold["currency"]
    )


def void(conn: sqlite3.Connection, hold_id: str, req: VoidIn, ctx: OpContext) -> VoidOut:
    """Release a hold; an already expired hold reports ``expired`` since it is released too."""
    hold = load_hold(conn, hold_id)
    try:
        resolve(conn, hold, "voided", hold["amount"], ctx, req.payment_id, req.step)
    except SimError:
        if resolution_kind(conn, hold_id) != "expired":
            raise
        return VoidOut(authorization_id=hold_id, status="expired")
    return VoidOut(authorization_id=hold_id, status="voided")


def refund(conn: sqlite3.Connection, req: RefundIn, ctx: OpContext) -> RefundOut:
    """Return captured money from the merchant to the cardholder."""
    hold = load_hold(conn, req.authorization_id)
    try:
        # One statement: the state filter and the CHECK decide, not a Python read.
        cur = conn.execute(
            "UPDATE holds SET refunded_amount = refunded_amount + ?"
            " WHERE id = ? AND state = 'captured'",
            (req.amount, hold["id"]),
        )
    except sqlite3.IntegrityError:
        raise _too_large("The refund exceeds the captured amount not yet refunded.") from None
    if cur.rowcount == 0:
        raise conflict(ErrorCode.AUTHORIZATION_NOT_CAPTURED, "The authorization is not captured.")
    refund_id = new_id("re")
    spec = TransferSpec("refund", req.payment_id, req.step, ctx.idempotency_key, hold["id"])
    transfer(conn, hold["merchant_account"], hold["cardholder_account"], req.amount,
             hold["currency"], spec, transfer_id=refund_id)  # fmt: skip
    return RefundOut(
        id=refund_id, authorization_id=hold["id"], amount=req.amount, currency=hold["currency"]
    )
