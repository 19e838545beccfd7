"""From the workflow's ``PaymentView`` to the API's objects, in the customer's language."""

from __future__ import annotations

from typing import Literal

from api.schemas import ApiStatus, CardOut, EventOut, FailureOut, PaymentOut, RefundOut
from payments.errors import decline_for
from payments.models import CaptureMethod, PaymentView, Refund
from payments.status import PaymentEvent, PaymentStatus
from payments.webhooks import EVENT_TYPES

_S = PaymentStatus
API_STATUS: dict[PaymentStatus, ApiStatus] = {
    _S.PENDING: ApiStatus.PROCESSING,
    _S.OUTCOME_UNKNOWN: ApiStatus.PROCESSING,
    _S.AUTHORIZED: ApiStatus.REQUIRES_CAPTURE,
    _S.CAPTURED: ApiStatus.SUCCEEDED,
    _S.PARTIALLY_REFUNDED: ApiStatus.PARTIALLY_REFUNDED,
    _S.REFUNDED: ApiStatus.REFUNDED,
    _S.CANCELED: ApiStatus.CANCELED,
    _S.EXPIRED: ApiStatus.EXPIRED,
    _S.FAILED: ApiStatus.FAILED,
}


def internal_statuses(status: ApiStatus) -> list[PaymentStatus]:
    """The workflow statuses an API status stands for (for visibility queries)."""
    return [s for s, a in API_STATUS.items() if a is status]


Language = Literal["en", "zh"]


def language(accept_language: str | None) -> Language:
    """``zh`` if the most preferred supported language is Chinese, else ``en``."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en") or tag == "*":
            return "en"
    return "en"


def failure_out(view: PaymentView, lang: Language) -> FailureOut | None:
    """The failure object: stable code, merchant and customer messages, next step."""
    if view.failure is None:
        return None
    d = decline_for(view.failure.code)
    declined = any(t.event is PaymentEvent.DECLINED for t in view.transitions)
    return FailureOut(
        code="card_declined" if declined else view.failure.code,
        decline_code=view.failure.code if declined else None,
        message=d.merchant_message,
        customer_message=d.customer_message(lang),
        language=lang,
        next_step=d.next_step.value,
    )


def api_status(view: PaymentView) -> ApiStatus:
    """The API status; an automatic payment still being captured is ``processing``."""
    automatic = view.capture_method is CaptureMethod.AUTOMATIC
    if automatic and view.status is PaymentStatus.AUTHORIZED:
        return ApiStatus.PROCESSING
    return API_STATUS[view.status]


def payment_out(view: PaymentView, lang: Language) -> PaymentOut:
    """The payment object."""
    status = api_status(view)
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
        created_at=view.created_at,
    )


def events_out(view: PaymentView) -> list[EventOut]:
    """Every transition; ids match the webhook events' ids where one was sent."""
    return [
        EventOut(
            id=f"evt_{view.payment_id}_{seq}",
            type=EVENT_TYPES[t.event].value if t.event in EVENT_TYPES else None,
            event=t.event.value,
            from_status=API_STATUS[t.from_status],
            status=API_STATUS[t.to_status],
            detail=t.detail,
            created_at=t.at,
        )
        for seq, t in enumerate(view.transitions, start=1)
    ]


def refund_out(payment_id: str, currency: str, refund: Refund) -> RefundOut:
    """The refund object."""
    return RefundOut(
        id=refund.refund_id,
        payment_id=payment_id,
        amount=refund.amount,
        currency=currency,
        reason=refund.reason,
        created_at=refund.at,
    )
