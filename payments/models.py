"""Frozen payloads for the workflow, its updates and queries, and the activities.

None of these carries a card number or CVC: a card travels as a vault token plus display facts.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from payments.authentication import AuthenticationUrls, Challenge
from payments.cards import CARD_LIKE
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
    """What may be shown about a card: never the full number, never the CVC.

    ``token`` is the vault's token; None for a card known only to one processor (a processor's
    own PaymentMethod, see ``PaymentRequest.processor_payment_method``).
    """

    token: Annotated[str, StringConstraints(pattern=r"^pm_[A-Za-z0-9]{16,64}$")] | None = None
    brand: str
    last4: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
    exp_month: Annotated[StrictInt, Field(ge=1, le=12)]
    exp_year: Annotated[StrictInt, Field(ge=2000, le=2100)]


class PaymentOptions(Frozen):
    """Durations chosen by the caller at start (defaults come from Settings)."""

    authorization_ttl_seconds: Annotated[StrictInt, Field(gt=0)] = 7 * 86400
    refund_window_seconds: Annotated[StrictInt, Field(ge=0)] = 30 * 86400
    unknown_outcome_alert_seconds: Annotated[StrictInt, Field(gt=0)] = 300
    authentication_timeout_seconds: Annotated[StrictInt, Field(gt=0)] = 900
    max_payment_attempts: Annotated[StrictInt, Field(ge=1, le=10)] = 3
    """Cards a ``retry_on_decline`` payment may try, the first one included."""
    payment_method_timeout_seconds: Annotated[StrictInt, Field(gt=0)] = 3600
    """How long a declined ``retry_on_decline`` payment waits for another card."""


ProcessorMethodId = Annotated[
    str, StringConstraints(min_length=4, max_length=255, pattern=r"^pm_[A-Za-z0-9_]+$")
]
"""A processor's own PaymentMethod id (Stripe ``pm_...``); never a vault token."""

Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
FreeText = Annotated[str, StringConstraints(max_length=500)]
MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=40)]


def _no_card_numbers(value: str | None) -> str | None:
    if value and CARD_LIKE.search(value):
        raise ValueError("must not contain a card number")
    return value


class Customer(Frozen):
    """Who pays. The e-mail lives only in encrypted payloads, never in ids, logs or search."""

    id: Identifier
    email: (
        Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
        | None
    ) = None
    name: Annotated[str, StringConstraints(max_length=200)] | None = None

    _name_check = field_validator("name")(_no_card_numbers)


class PaymentRequest(Frozen):
    """The workflow's input."""

    payment_id: Identifier
    merchant_id: Identifier
    amount: Money
    capture_method: CaptureMethod = CaptureMethod.AUTOMATIC
    card: CardFacts
    customer: Customer | None = None
    description: FreeText | None = None
    metadata: Annotated[dict[MetadataKey, FreeText], Field(max_length=20)] = {}
    notify: bool = False
    """Send webhooks for this payment's events (the merchant has an endpoint)."""
    options: PaymentOptions = PaymentOptions()
    created_at: datetime | None = None
    """When the API accepted the payment; None (direct mode, older histories): the workflow's
    start time. Either way the same instant the API's list shows."""
    pinned_processor: Identifier | None = None
    """Authorize only at this processor (configured name): no failover, whatever happens.
    None (and every older history): any processor in routing order."""
    processors: tuple[Identifier, ...] = ()
    """Processors to try, in order (the caller's configured priorities): recorded with the
    request, so a new payment's authorization asks no routing activity. Empty (every older
    history, and callers that do not say): the worker's ``route`` local activity decides."""
    processor_payment_method: ProcessorMethodId | None = None
    """The pinned processor's own PaymentMethod id, sent instead of a vault card; then
    ``card.token`` is None and the CVC never reached us."""
    authentication: AuthenticationUrls | None = None
    """Where a 3-D Secure challenge sends the customer back (None: direct mode, older runs)."""
    retry_on_decline: bool = False
    """A decline that another card may cure waits for one (``requires_payment_method``)."""

    _description_check = field_validator("description")(_no_card_numbers)

    @field_validator("metadata")
    @classmethod
    def _metadata_check(cls, value: dict[str, str]) -> dict[str, str]:
        for key, text in value.items():
            _no_card_numbers(key)
            _no_card_numbers(text)
        return value

    @model_validator(mode="after")
    def _one_card_source(self) -> PaymentRequest:
        if (self.processor_payment_method is None) == (self.card.token is None):
            raise ValueError("exactly one of card.token and processor_payment_method")
        if self.processor_payment_method is not None and self.pinned_processor is None:
            raise ValueError("a processor_payment_method needs its pinned_processor")
        return self


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


class Attempt(Frozen):
    """One call to a processor during authorization, whatever its outcome."""

    step: str
    processor: str
    outcome: str
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
    card: CardFacts
    customer_id: str | None
    description: str | None
    metadata: dict[str, str]
    processor: str | None
    authorization_id: str | None
    failure: Failure | None
    refunds: list[Refund]
    transitions: list[Transition]
    attempts: list[Attempt]
    created_at: datetime
    challenge: Challenge | None = None
    """The payment's 3-D Secure challenge, if it had one (open while ``requires_action``)."""
    refundable_until: datetime | None = None
    """When the refund window of a captured payment closes; None once it cannot be refunded
    (or, in results of payments from before the workflow closed at capture, unknown)."""
