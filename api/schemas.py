"""Request and response models: frozen, strict, unknown fields refused.

These field names are the public contract (issue 4); amounts are integers in minor units.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, StringConstraints
from pydantic.config import JsonDict

from payments.cards import CARD_LIKE
from payments.models import CaptureMethod, Email, FreeText, Identifier, MetadataKey
from payments.money import Currency, PositiveMinorUnits


class Strict(BaseModel):
    """Base for every API model. Numbers and strings use Strict* types field by field (model-wide
    strict mode would refuse ``"USD"`` for an enum when validating parsed JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ApiStatus(StrEnum):
    """A payment's status as the API shows it."""

    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    SUCCEEDED = "succeeded"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELED = "canceled"
    EXPIRED = "expired"
    FAILED = "failed"


# -- requests ----------------------------------------------------------------------------------

# Free text holding a card-like run of digits is refused (payments.cards.reject_card_like).
_NOT_CARD_LIKE = Field(json_schema_extra={"not": {"pattern": CARD_LIKE.pattern}})
Text = Annotated[FreeText, _NOT_CARD_LIKE]
Reason = Annotated[StrictStr, StringConstraints(max_length=200), _NOT_CARD_LIKE]
Key = Annotated[MetadataKey, _NOT_CARD_LIKE]


def _documented(**schema: Any) -> Any:
    """A constraint shown in the OpenAPI document only: ``payments.cards.validate_card`` checks
    it and answers with its own code (``invalid_number``, ``invalid_cvc``, ...)."""
    return Field(json_schema_extra=schema)


class CardIn(Strict):
    """A raw card; tokenized into the vault before any workflow starts."""

    number: Annotated[
        StrictStr, StringConstraints(max_length=32), _documented(pattern="^[0-9]{12,19}$")
    ]
    exp_month: Annotated[StrictInt, _documented(minimum=1, maximum=12)]
    exp_year: Annotated[StrictInt, _documented(minimum=2000, maximum=2100)]
    cvc: Annotated[StrictStr, StringConstraints(max_length=8), _documented(pattern="^[0-9]{3,4}$")]


class CustomerIn(Strict):
    """Who pays; the e-mail is kept only in encrypted workflow payloads."""

    id: Identifier
    email: Email | None = None


def exactly_one_of(*names: str) -> dict[str, Any]:
    """JSON Schema: exactly one of ``names`` is present and not null."""
    return {
        "oneOf": [{"required": [n], "properties": {n: {"not": {"type": "null"}}}} for n in names]
    }


# The simulator's always-approved Visa test card (cli.testcards), for the docs' "Try it out".
EXAMPLE: JsonDict = {
    "amount": 1999,
    "currency": "USD",
    "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"},
    "capture_method": "manual",
}


class CreatePayment(Strict):
    """``POST /v1/payments``: exactly one of ``card`` and ``payment_method``."""

    # In the document for clients and fuzzers; service.check_create refuses the rest with
    # parameter_missing / parameter_invalid, which name the parameter.
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={**exactly_one_of("card", "payment_method"), "examples": [EXAMPLE]},
    )

    amount: PositiveMinorUnits
    currency: Currency
    card: CardIn | None = None
    payment_method: Annotated[StrictStr, StringConstraints(max_length=80)] | None = None
    capture_method: CaptureMethod = CaptureMethod.AUTOMATIC
    customer: CustomerIn | None = None
    description: Text | None = None
    metadata: Annotated[dict[Key, Text], Field(max_length=20)] = {}


class CapturePayment(Strict):
    """``POST /v1/payments/{id}/capture``: all of the authorization unless ``amount``."""

    amount: PositiveMinorUnits | None = None


class CancelPayment(Strict):
    """``POST /v1/payments/{id}/cancel``."""

    reason: Reason | None = None


class CreateRefund(Strict):
    """``POST /v1/payments/{id}/refunds``: all that is left unless ``amount``."""

    amount: PositiveMinorUnits | None = None
    reason: Reason | None = None


class CreateWebhookEndpoint(Strict):
    """``POST /v1/webhook_endpoints``: where this merchant's signed events go."""

    url: Annotated[StrictStr, StringConstraints(max_length=2048, pattern=r"^https?://[^\s]+$")]


# -- responses ---------------------------------------------------------------------------------


class CardOut(Strict):
    """What may be shown about a card."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int


class FailureOut(Strict):
    """Why a payment failed: for the merchant, for the customer, and what to do next."""

    code: str
    decline_code: str | None
    message: str
    customer_message: str
    language: Literal["en", "zh"]
    next_step: str


class PaymentOut(Strict):
    """The payment object."""

    id: str
    object: Literal["payment"] = "payment"
    status: ApiStatus
    amount: int
    currency: str
    amount_capturable: int
    amount_captured: int
    amount_refunded: int
    capture_method: CaptureMethod
    card: CardOut
    customer: str | None
    description: str | None
    metadata: dict[str, str]
    failure: FailureOut | None
    created_at: datetime


class PaymentSummary(Strict):
    """A payment as listed from Temporal visibility (fetch the id for the full object)."""

    id: str
    object: Literal["payment"] = "payment"
    status: ApiStatus
    amount: int | None
    currency: str | None
    created_at: datetime


class PaymentList(Strict):
    """One page of payments, newest first; pass ``next_page`` as ``page`` for the next."""

    object: Literal["list"] = "list"
    data: list[PaymentSummary]
    has_more: bool
    next_page: str | None


class RefundOut(Strict):
    """A refund the processor made."""

    id: str
    object: Literal["refund"] = "refund"
    payment_id: str
    amount: int
    currency: str
    reason: str | None
    status: Literal["succeeded"] = "succeeded"
    created_at: datetime


class EventOut(Strict):
    """One transition in a payment's history."""

    id: str
    object: Literal["event"] = "event"
    type: str | None
    event: str
    from_status: ApiStatus
    status: ApiStatus
    detail: str | None
    created_at: datetime


class EventList(Strict):
    """A payment's transitions, oldest first."""

    object: Literal["list"] = "list"
    data: list[EventOut]


class WebhookEndpointOut(Strict):
    """A registered endpoint; ``secret`` is shown only in the first answer."""

    object: Literal["webhook_endpoint"] = "webhook_endpoint"
    url: str
    secret: str | None
