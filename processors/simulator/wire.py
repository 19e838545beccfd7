"""The simulator's wire protocol: every path, request body and answer shape, in one place.

Nothing outside ``simulator/`` and this adapter may know these (tests/unit/test_wire_paths.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from payments.errors import DeclineCode, ErrorType
from processors.books import Effect, EffectKind, LedgerCheck
from processors.errors import ProcessorFailure, decline_code_of
from processors.models import (
    Authorization,
    AuthorizeRequest,
    Capture,
    CaptureRequest,
    Card,
    Operation,
    RefundMade,
    RefundRequest,
    Release,
    Result,
    VoidRequest,
)

JSON = dict[str, Any]

BALANCE = "/v1/balance_inquiries"
VERIFY = "/v1/cards/verify"
AUTHORIZATIONS = "/v1/authorizations"
REFUNDS = "/v1/refunds"
AUTHENTICATIONS = "/v1/authentications"
CHALLENGE_PAGES = "/acs/"
REQUESTS = "/v1/requests/"
ADMIN = "/v1/admin"
FAULTS = ADMIN + "/faults"
EFFECTS = ADMIN + "/effects"
LEDGER_CHECK = ADMIN + "/ledger/check"
EXPIRE_HOLDS = ADMIN + "/holds/expire"
HEALTH = "/healthz"

PATHS = (
    BALANCE, VERIFY, AUTHORIZATIONS, REFUNDS, REQUESTS, ADMIN, AUTHENTICATIONS, CHALLENGE_PAGES
)  # fmt: skip
"""Every path prefix of the simulator's API (the wire-path test reads this too)."""


def capture_path(authorization_id: str) -> str:
    """Where a hold is captured."""
    return f"{AUTHORIZATIONS}/{authorization_id}/capture"


def void_path(authorization_id: str) -> str:
    """Where a hold is released."""
    return f"{AUTHORIZATIONS}/{authorization_id}/void"


def card_body(card: Card) -> JSON:
    """A card as the simulator takes it."""
    return {"number": card.number, "exp_month": card.exp_month, "exp_year": card.exp_year}


def authorize_body(card: Card, req: AuthorizeRequest) -> JSON:
    """The simulator labels each effect with its payment and step, for its reports."""
    return {
        "card": card_body(card),
        "amount": req.amount.amount,
        "currency": req.amount.currency.value,
        "merchant_id": req.merchant_id,
        "payment_id": req.payment_id,
        "step": "authorize",
        "hold_ttl_seconds": req.hold_ttl_seconds,
    } | ({"authentication_id": req.authentication_id} if req.authentication_id else {})


def capture_body(req: CaptureRequest) -> JSON:
    """Capture ``amount``."""
    return {"amount": req.amount, "payment_id": req.payment_id, "step": "capture"}


def void_body(req: VoidRequest) -> JSON:
    """Release the hold."""
    return {"payment_id": req.payment_id, "step": "void"}


def refund_body(req: RefundRequest) -> JSON:
    """Refund under the step ``refund:<refund id>``, so each refund is its own effect."""
    return {
        "authorization_id": req.authorization_id,
        "amount": req.amount,
        "payment_id": req.payment_id,
        "step": f"refund:{req.refund_id}",
    }


def authorization(body: JSON) -> Authorization:
    """An approved hold from the simulator's answer."""
    return Authorization(
        authorization_id=body["id"], amount=body["amount"], expires_at=body["expires_at"]
    )


def capture(body: JSON) -> Capture:
    """A capture from the simulator's answer."""
    return Capture(capture_id=body["id"], amount=body["amount"])


def release(body: JSON) -> Release:
    """A void's outcome (``voided``, or ``expired`` if the hold had lapsed)."""
    return Release(status=body["status"])


def refund(body: JSON) -> RefundMade:
    """A refund from the simulator's answer."""
    return RefundMade(refund_id=body["id"], amount=body["amount"])


RESULTS: dict[Operation, Callable[[JSON], Result]] = {
    Operation.AUTHORIZE: authorization,
    Operation.CAPTURE: capture,
    Operation.VOID: release,
    Operation.REFUND: refund,
}


def result(operation: Operation, body: JSON) -> Result:
    """The typed answer to ``operation`` from a stored answer body."""
    return RESULTS[operation](body)


_BY_STATUS = {
    400: ErrorType.INVALID_REQUEST,
    402: ErrorType.CARD_DECLINED,
    404: ErrorType.INVALID_REQUEST,
    409: ErrorType.ILLEGAL_STATE,
    429: ErrorType.PROCESSOR_UNAVAILABLE,
}
_BY_CODE = {
    "amount_too_large": ErrorType.AMOUNT_TOO_LARGE,
    "idempotency_key_reused": ErrorType.IDEMPOTENCY_CONFLICT,
}


def failure_from(status: int, body: JSON | None) -> ProcessorFailure:
    """The failure a non-2xx answer means (5xx and unknown answers are retryable).

    The simulator's codes (``authorization_expired``, ``invalid_number``...) already are the
    domain's words; its decline reasons are a subset of the decline table.
    """
    raw = (body or {}).get("error")
    err: JSON = raw if isinstance(raw, dict) else {}
    code = str(err.get("code") or f"http_{status}")
    error_type = _BY_CODE.get(code) or _BY_STATUS.get(status)
    if error_type is None:
        error_type = ErrorType.PROCESSOR_ERROR if status >= 500 else ErrorType.INVALID_REQUEST
    message = str(err.get("message") or f"processor answered HTTP {status}")
    decline = decline_code_of(err.get("decline_code"))
    if error_type is ErrorType.CARD_DECLINED and decline is None:
        decline = DeclineCode.GENERIC_DECLINE
    return ProcessorFailure(error_type, code, message, decline_code=decline)


_EFFECT_KINDS = {k.value: k for k in EffectKind}


def effect(row: JSON) -> Effect:
    """One row of the simulator's effects report."""
    return Effect(
        operation=_EFFECT_KINDS[row["operation"]],
        payment_id=row["payment_id"],
        amount=row["amount"],
        at=row["created_at"],
        idempotency_key=row["idempotency_key"],
        reference=row["step"],
    )


def ledger_check(body: JSON) -> LedgerCheck:
    """The simulator's ledger check, without its list of open holds."""
    return LedgerCheck(
        balanced=body["balanced"],
        negative_accounts=body["negative_accounts"],
        merchants=body["merchants"],
    )
