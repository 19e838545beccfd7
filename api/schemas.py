"""Request and response models: frozen, strict, unknown fields refused.

These field names are the public contract (issue 4); amounts are integers in minor units.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    StringConstraints,
)

from api import stated
from payments.models import CaptureMethod, Email, Identifier
from payments.money import Amount, Currency

# The payment object is shared with the worker's webhooks; re-exported for the API's imports.
from payments.public import ApiStatus as ApiStatus
from payments.public import CardOut as CardOut
from payments.public import FailureOut as FailureOut
from payments.public import PaymentOut as PaymentOut


class Strict(BaseModel):
    """Base for every API model. Numbers and strings use Strict* types field by field (model-wide
    strict mode would refuse ``"USD"`` for an enum when validating parsed JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# -- requests ----------------------------------------------------------------------------------


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


# Any case in (Stripe clients send "usd"); the canonical uppercase code everywhere after.
ApiCurrency = Annotated[Currency, BeforeValidator(_upper)]


class CardIn(Strict):
    """A raw card; tokenized into the vault before any workflow starts."""

    number: stated.CardNumber
    exp_month: stated.Month
    exp_year: stated.Year
    cvc: stated.Cvc


class ProcessorPaymentMethodIn(Strict):
    """A PaymentMethod the merchant created at one of our processors (Stripe ``pm_...``, e.g.
    from Stripe.js): the payment is pinned to that processor and never fails over."""

    processor: stated.ProcessorName
    """The configured name of a processor that takes its own PaymentMethods (kind ``stripe``)."""
    id: stated.ProcessorMethodId


class CustomerIn(Strict):
    """Who pays; the e-mail is kept only in encrypted workflow payloads."""

    id: Identifier
    email: Email | None = None


SavedCustomerId = Annotated[
    StrictStr, StringConstraints(max_length=64), stated.documented(pattern="^cus_[A-Za-z0-9]+$")
]


class CreatePayment(Strict):
    """``POST /v1/payments``: exactly one of ``card``, ``payment_method`` (our vault's token) and
    ``processor_payment_method`` (a processor's own PaymentMethod)."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=stated.CREATE_PAYMENT)

    amount: Amount
    currency: ApiCurrency
    card: CardIn | None = None
    payment_method: Annotated[StrictStr, StringConstraints(max_length=80)] | None = None
    processor_payment_method: ProcessorPaymentMethodIn | None = None
    capture_method: CaptureMethod = CaptureMethod.AUTOMATIC
    customer: CustomerIn | SavedCustomerId | None = None
    """A saved customer's ``cus_`` id, or the merchant's own id (and e-mail) of the payer."""
    save_payment_method: StrictBool = False
    """With ``card`` and a ``cus_`` customer: save the card to that customer."""
    description: stated.Text | None = None
    metadata: Annotated[dict[stated.Key, stated.Text], Field(max_length=20)] = {}
    return_url: stated.WebhookUrl | None = None
    """Where the customer lands after a 3-D Secure challenge (an http(s) URL)."""
    retry_on_decline: bool = False
    """On a decline another card may cure, wait in ``requires_payment_method`` for one
    (``POST /v1/payments/{id}/confirm``) instead of failing."""


class ConfirmPayment(Strict):
    """``POST /v1/payments/{id}/confirm``: another card for a payment in
    ``requires_payment_method``; exactly one of ``card`` and ``payment_method``."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra=stated.exactly_one_of("card", "payment_method"),
    )
    card: CardIn | None = None
    payment_method: Annotated[StrictStr, StringConstraints(max_length=80)] | None = None


class CapturePayment(Strict):
    """``POST /v1/payments/{id}/capture``: all of the authorization unless ``amount``."""

    amount: Amount | None = None


class CancelPayment(Strict):
    """``POST /v1/payments/{id}/cancel``."""

    reason: stated.Reason | None = None


class CreateRefund(Strict):
    """``POST /v1/payments/{id}/refunds``: all that is left unless ``amount``."""

    amount: Amount | None = None
    reason: stated.Reason | None = None


class CreateWebhookEndpoint(Strict):
    """``POST /v1/webhook_endpoints``: where this merchant's signed events go."""

    url: stated.WebhookUrl
    """An http(s) URL of a public host; checked by ``payments.webhook_urls.check_url``."""


# -- responses ---------------------------------------------------------------------------------


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
