"""From the workflow's ``PaymentView`` to the API's objects, in the customer's language.

The payment object itself is rendered by ``payments.public``, shared with the webhooks.
"""

from __future__ import annotations

from api.errors import ApiError, CardDeclined, Unavailable
from api.schemas import ApiStatus, EventOut, FailureOut, RefundOut
from payments.errors import decline_for
from payments.models import PaymentView, Refund
from payments.public import API_STATUS as API_STATUS
from payments.public import Language as Language
from payments.public import internal_statuses as internal_statuses
from payments.public import payment_out as payment_out
from payments.webhooks import EVENT_TYPES


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


# The processors have just failed a whole retry budget (seconds per processor): an immediate
# retry would most likely fail too.
PROCESSOR_RETRY_AFTER_SECONDS = 30


def failure_error(
    failure: FailureOut, payment_id: str | None, status: ApiStatus | None = None
) -> ApiError:
    """The error answer for a failed payment, or for a card refused before a payment existed.

    A decline is about the card: 402 ``card_error``. A processor that could not be reached is
    not the card's fault: 503 ``api_error`` with ``Retry-After``, telling the customer to try
    again later rather than to use another card. Both carry the customer message and next step;
    a payment that waits for another card says so in ``payment_status``.
    """
    extra = {
        "payment_id": payment_id,
        "customer_message": failure.customer_message,
        "next_step": failure.next_step,
    }
    if status is not None:
        extra["payment_status"] = status.value
    if failure.decline_code is None and decline_for(failure.code).retryable:
        retry_after = {"Retry-After": str(PROCESSOR_RETRY_AFTER_SECONDS)}
        return Unavailable(failure.message, code=failure.code, headers=retry_after, extra=extra)
    return CardDeclined(
        failure.message, code=failure.code, decline_code=failure.decline_code, extra=extra
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
