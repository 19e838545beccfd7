"""Frozen payloads for the workflow, its updates and queries, and the activities.

None of these carries a card number or CVC: a card travels as a vault token plus display facts.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from payments.money import Currency, MinorUnits, Money, PositiveMinorUnits
from payments.status import PaymentEvent, PaymentStatus

Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
]


class Frozen(BaseModel):
    """Base for every payload: immutable and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CaptureMethod(StrEnum):
    """Capture right after authorization, or wait for an explicit capture."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"


class CardFacts(Frozen):
    """What may be shown about a card: never the full number, never the CVC."""

    token: Annotated[str, StringConstraints(pattern=r"^pm_[A-Za-z0-9]{16,64}$")]
    brand: str
    last4: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
    exp_month: Annotated[StrictInt, Field(ge=1, le=12)]
    exp_year: Annotated[StrictInt, Field(ge=2000, le=2100)]


class PaymentOptions(Frozen):
    """Durations chosen by the caller at start (defaults come from Settings)."""

    authorization_ttl_seconds: Annotated[StrictInt, Field(gt=0)] = 7 * 86400
    refund_window_seconds: Annotated[StrictInt, Field(ge=0)] = 30 * 86400


class PaymentRequest(Frozen):
    """The workflow's input."""

    payment_id: Identifier
    merchant_id: Identifier
    amount: Money
    capture_method: CaptureMethod = CaptureMethod.AUTOMATIC
    card: CardFacts
    description: Annotated[str, StringConstraints(max_length=500)] | None = None
    options: PaymentOptions = PaymentOptions()


class Failure(Frozen):
    """Why a payment failed, in words for the merchant."""

    code: str
    message: str


class Transition(Frozen):
    """One step in a payment's story."""

    event: PaymentEvent
    from_status: PaymentStatus
    to_status: PaymentStatus
    at: datetime
    detail: str | None = None


class CaptureRequest(Frozen):
    """Update input: capture all (``amount`` None) or part of the authorization."""

    amount: PositiveMinorUnits | None = None


class CancelRequest(Frozen):
    """Update input: void the authorization."""

    reason: Annotated[str, StringConstraints(max_length=200)] | None = None


class RefundRequest(Frozen):
    """Update input: refund part (or, with ``amount`` None, all) of what is left."""

    refund_id: Identifier
    amount: PositiveMinorUnits | None = None
    reason: Annotated[str, StringConstraints(max_length=200)] | None = None


class Refund(Frozen):
    """A refund that the processor has made."""

    refund_id: str
    processor_refund_id: str
    amount: MinorUnits
    reason: str | None
    at: datetime


class PaymentView(Frozen):
    """Everything the ``view`` query answers about a payment."""

    payment_id: str
    merchant_id: str
    status: PaymentStatus
    currency: Currency
    amount: MinorUnits
    amount_authorized: MinorUnits
    amount_captured: MinorUnits
    amount_refunded: MinorUnits
    capture_method: CaptureMethod
    card_brand: str
    card_last4: str
    authorization_id: str | None
    failure: Failure | None
    refunds: list[Refund]
    transitions: list[Transition]
    created_at: datetime


# Activity inputs and results. Each carries the idempotency key the processor sees, so every
# retry of the same activity sends the same key.


class BalanceCheckInput(Frozen):
    """Ask the processor how much the card can spend."""

    payment_id: str
    card_token: str
    currency: Currency


class BalanceCheckResult(Frozen):
    """Available balance or credit, in the payment's currency."""

    available: MinorUnits
    funding: str


class AuthorizeInput(Frozen):
    """Place a hold for the payment amount."""

    idempotency_key: str
    payment_id: str
    merchant_id: str
    card_token: str
    amount: Money
    hold_ttl_seconds: StrictInt


class AuthorizeResult(Frozen):
    """An approved hold."""

    authorization_id: str
    amount: MinorUnits
    expires_at: datetime


class CaptureInput(Frozen):
    """Post part or all of a hold to the merchant."""

    idempotency_key: str
    payment_id: str
    authorization_id: str
    amount: PositiveMinorUnits


class CaptureResult(Frozen):
    """A posted capture."""

    capture_id: str
    amount: MinorUnits


class VoidInput(Frozen):
    """Release a hold."""

    idempotency_key: str
    payment_id: str
    authorization_id: str


class VoidResult(Frozen):
    """``voided``, or ``expired`` when the processor had already released the hold."""

    status: str


class RefundInput(Frozen):
    """Return captured money to the card."""

    idempotency_key: str
    payment_id: str
    refund_id: str
    authorization_id: str
    amount: PositiveMinorUnits


class RefundResult(Frozen):
    """A refund the processor made."""

    processor_refund_id: str
    amount: MinorUnits
