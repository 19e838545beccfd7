"""Request builders for the conformance suite: fresh payment ids, stable keys per step."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from payments.ids import Step, idempotency_key
from payments.money import Currency, Money
from processors.books import Effect
from processors.models import (
    AuthorizeRequest,
    CaptureRequest,
    Card,
    InquiryRequest,
    Operation,
    RefundRequest,
    VoidRequest,
)
from processors.protocol import Processor


def card(number: str) -> Card:
    """``number`` with an expiry two years ahead."""
    return Card(number=number, exp_month=12, exp_year=date.today().year + 2)


def authorize(number: str, amount: int = 1000, payment_id: str = "") -> AuthorizeRequest:
    """An authorization for a fresh payment (or ``payment_id``)."""
    pid = payment_id or f"pay_{uuid.uuid4().hex[:24]}"
    return AuthorizeRequest(
        idempotency_key=idempotency_key(pid, Step.AUTHORIZE),
        payment_id=pid,
        merchant_id="merchant_conformance",
        card=card(number),
        amount=Money(amount=amount, currency=Currency.USD),
        hold_ttl_seconds=3600,
    )


def capture(auth: AuthorizeRequest, authorization_id: str, amount: int) -> CaptureRequest:
    """The capture of ``amount`` for ``auth``'s payment."""
    return CaptureRequest(
        idempotency_key=idempotency_key(auth.payment_id, Step.CAPTURE),
        payment_id=auth.payment_id,
        authorization_id=authorization_id,
        amount=amount,
    )


def void(auth: AuthorizeRequest, authorization_id: str) -> VoidRequest:
    """The void of ``auth``'s hold."""
    return VoidRequest(
        idempotency_key=idempotency_key(auth.payment_id, Step.VOID),
        payment_id=auth.payment_id,
        authorization_id=authorization_id,
    )


def refund(auth: AuthorizeRequest, authorization_id: str, amount: int, n: int) -> RefundRequest:
    """Refund number ``n`` of ``amount`` for ``auth``'s payment."""
    refund_id = f"re_{n}"
    return RefundRequest(
        idempotency_key=idempotency_key(auth.payment_id, Step.REFUND, refund_id),
        payment_id=auth.payment_id,
        refund_id=refund_id,
        authorization_id=authorization_id,
        amount=amount,
    )


def inquiry(req: AuthorizeRequest | CaptureRequest, operation: Operation) -> InquiryRequest:
    """The question about ``req``'s key."""
    return InquiryRequest(
        idempotency_key=req.idempotency_key, operation=operation, payment_id=req.payment_id
    )


async def effects_of(processor: Processor, payment_id: str) -> list[Effect]:
    """The effects the processor reports for one payment (from an hour ago)."""
    since = datetime.now(UTC) - timedelta(hours=1)
    return [e for e in await processor.effects_since(since) if e.payment_id == payment_id]
