"""The payment object as merchants see it: one model and one rendering for the API and webhooks.

The API's answers (``api/``) and the worker's webhooks (``payments/webhooks.py``) both render the
workflow's ``PaymentView`` here, so they speak one vocabulary: ``requires_capture`` rather than
``authorized``, ``card_declined`` with a ``decline_code`` rather than a bare issuer code. Pure
pydantic, no I/O: safe inside the workflow sandbox.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from payments.errors import decline_for
from payments.models import CaptureMethod, Frozen, PaymentView
from payments.status import PaymentEvent, PaymentStatus

Language = Literal["en", "zh"]
"""Languages of customer messages; webhooks, which have no ``Accept-Language``, use ``en``."""


class ApiStatus(StrEnum):
    """A payment's status as merchants see it (the API, webhooks, messages)."""

    PROCESSING = "processing"
    REQUIRES_ACTION = "requires_action"
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CAPTURE = "requires_capture"
    SUCCEEDED = "succeeded"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELED = "canceled"
    EXPIRED = "expired"
    FAILED = "failed"


_S = PaymentStatus
API_STATUS: dict[PaymentStatus, ApiStatus] = {
    _S.PENDING: ApiStatus.PROCESSING,
    _S.OUTCOME_UNKNOWN: ApiStatus.PROCESSING,
    _S.REQUIRES_ACTION: ApiStatus.REQUIRES_ACTION,
    _S.REQUIRES_PAYMENT_METHOD: ApiStatus.REQUIRES_PAYMENT_METHOD,
    _S.AUTHORIZED: ApiStatus.REQUIRES_CAPTURE,
    _S.CAPTURED: ApiStatus.SUCCEEDED,
    _S.PARTIALLY_REFUNDED: ApiStatus.PARTIALLY_REFUNDED,
    _S.REFUNDED: ApiStatus.REFUNDED,
    _S.CANCELED: ApiStatus.CANCELED,
    _S.EXPIRED: ApiStatus.EXPIRED,
    _S.FAILED: ApiStatus.FAILED,
}
"""The workflow's statuses in the public vocabulary (visibility queries map back through it)."""


def internal_statuses(status: ApiStatus) -> list[PaymentStatus]:
    """The workflow statuses a public status stands for (for visibility queries)."""
    return [s for s, a in API_STATUS.items() if a is status]


def public_status(status: PaymentStatus, capture_method: CaptureMethod) -> ApiStatus:
    """The public status; an automatic payment still being captured is ``processing``."""
    if capture_method is CaptureMethod.AUTOMATIC and status is PaymentStatus.AUTHORIZED:
        return ApiStatus.PROCESSING
    return API_STATUS[status]


IN_PROGRESS = "in_progress"
"""A running new payment without a published status: pending or authorized (its view says)."""


def visible_status(value: str | None, *, running: bool) -> str:
    """The workflow status a ``PaymentStatus`` search attribute stands for.

    New payments publish one only when they need attention or end without moving money
    (``workflows.publish.ATTENTION``); without one, a closed payment captured its money and a
    running one is pending or authorized, which visibility cannot tell apart (``IN_PROGRESS``).
    """
    if value:
        return value
    return IN_PROGRESS if running else PaymentStatus.CAPTURED.value


def stored_status_word(value: str | None) -> str:
    """A stored status (a search attribute) in public words; a closed payment is never authorized,
    so its capture method does not matter. ``closed`` when there is none."""
    try:
        return API_STATUS[PaymentStatus(value or "")].value
    except ValueError:
        return "closed"


class CardOut(Frozen):
    """What may be shown about a card."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int


class FailureOut(Frozen):
    """Why a payment failed: for the merchant, for the customer, and what to do next."""

    code: str
    decline_code: str | None
    message: str
    customer_message: str
    language: Language
    next_step: str


class RedirectToUrl(Frozen):
    """Where to send the customer, and where they come back to afterwards."""

    url: str
    return_url: str | None


class NextAction(Frozen):
    """What the customer must do before the payment can go on (3-D Secure)."""

    type: Literal["redirect_to_url"] = "redirect_to_url"
    redirect_to_url: RedirectToUrl


class PaymentOut(Frozen):
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
    payment_method: str | None
    """The card's reusable ``pm_`` id: pay again with ``payment_method`` instead of ``card``.
    None when the merchant paid with a processor's own PaymentMethod (that id is theirs)."""
    customer: str | None
    description: str | None
    metadata: dict[str, str]
    failure: FailureOut | None
    next_action: NextAction | None = None
    """Set while ``requires_action``: send the customer to ``redirect_to_url.url``."""
    created_at: datetime


def failure_for(code: str, *, declined: bool, lang: Language) -> FailureOut:
    """The failure object for a failure code; ``declined`` when the issuer refused the card."""
    d = decline_for(code)
    return FailureOut(
        code="card_declined" if declined else code,
        decline_code=code if declined else None,
        message=d.merchant_message,
        customer_message=d.customer_message(lang),
        language=lang,
        next_step=d.next_step.value,
    )


def failure_out(view: PaymentView, lang: Language) -> FailureOut | None:
    """The payment's failure object, if it failed (or its last card was declined)."""
    if view.failure is None:
        return None
    # The transition that set the failure is the last one: a decline, final or awaiting a card.
    declining = (PaymentEvent.DECLINED, PaymentEvent.REQUIRES_PAYMENT_METHOD)
    declined = bool(view.transitions) and view.transitions[-1].event in declining
    return failure_for(view.failure.code, declined=declined, lang=lang)


def next_action(view: PaymentView) -> NextAction | None:
    """The redirect to the challenge, while the payment waits for it."""
    if view.challenge is None or view.status is not PaymentStatus.REQUIRES_ACTION:
        return None
    target = RedirectToUrl(url=view.challenge.url, return_url=view.challenge.return_url)
    return NextAction(redirect_to_url=target)


def payment_out(view: PaymentView, lang: Language) -> PaymentOut:
    """The payment object, with customer messages in ``lang``."""
    status = public_status(view.status, view.capture_method)
    capturable = view.amount_authorized - view.amount_captured
    return PaymentOut(
        id=view.payment_id,
        status=status,
        amount=view.amount,
        currency=view.currency.value,
        amount_capturable=capturable if status is ApiStatus.REQUIRES_CAPTURE else 0,
        amount_captured=view.amount_captured,
        amount_refunded=view.amount_refunded,
        capture_method=view.capture_method,
        card=CardOut(
            brand=view.card.brand,
            last4=view.card.last4,
            exp_month=view.card.exp_month,
            exp_year=view.card.exp_year,
        ),
        payment_method=view.card.token,
        customer=view.customer_id,
        description=view.description,
        metadata=view.metadata,
        failure=failure_out(view, lang),
        next_action=next_action(view),
        created_at=view.created_at,
    )
