"""Retry after a decline: which failures another card may cure, and the checks on a new card.

A payment created with ``retry_on_decline`` waits in ``requires_payment_method`` after a decline
listed here as retryable, instead of failing; the customer may attach another card up to
``PaymentOptions.max_payment_attempts``. Pure domain: no Temporal, safe in the sandbox.
"""

from __future__ import annotations

from payments.errors import DeclineCode, StateConflict, ValidationFailed
from payments.models import CardFacts, Frozen
from payments.state import PaymentState
from payments.status import PaymentEvent, PaymentStatus

_C = DeclineCode

ANOTHER_CARD_MAY_CURE: dict[DeclineCode, bool] = {
    # The issuer refused this card for reasons of the card itself: another card may pay.
    _C.GENERIC_DECLINE: True,
    _C.INSUFFICIENT_FUNDS: True,
    _C.DO_NOT_HONOR: True,
    _C.CARD_VELOCITY_EXCEEDED: True,
    _C.EXPIRED_CARD: True,
    _C.INCORRECT_CVC: True,
    _C.INVALID_NUMBER: True,
    _C.AUTHENTICATION_REQUIRED: True,
    _C.AUTHENTICATION_FAILED: True,
    # Fraud signals are final: a thief holding several cards must not get more tries.
    _C.STOLEN_CARD: False,
    _C.LOST_CARD: False,
    # Not the card's fault (outages, the customer gone): another card would not help.
    _C.PROCESSING_ERROR: False,
    _C.PROCESSOR_UNAVAILABLE: False,
    _C.AUTHENTICATION_TIMEOUT: False,
    # Endings, not declines.
    _C.AUTHORIZATION_EXPIRED: False,
    _C.PAYMENT_ATTEMPTS_EXHAUSTED: False,
    _C.PAYMENT_METHOD_TIMEOUT: False,
    _C.CANCELED_BY_MERCHANT: False,
}
"""The one rule: a failure code another card may cure. Codes not in the table (a card the vault
no longer has, a bad request) are final too."""


def another_card_may_cure(code: str) -> bool:
    """True if a decline with ``code`` lets a ``retry_on_decline`` payment ask for another card."""
    try:
        return ANOTHER_CARD_MAY_CURE.get(DeclineCode(code), False)
    except ValueError:
        return False


class NewPaymentMethod(Frozen):
    """Update input: the card the customer attached (a vault token and its display facts)."""

    card: CardFacts


def _require_attempt_left(s: PaymentState) -> None:
    if not s.request.retry_on_decline:
        raise StateConflict("this payment was not created with retry_on_decline")
    most = s.request.options.max_payment_attempts
    if s.attempt >= most:
        raise StateConflict(f"no attempt left: this payment allows {most} cards")


def _require_waiting(s: PaymentState) -> None:
    if s.status is not PaymentStatus.REQUIRES_PAYMENT_METHOD:
        raise StateConflict(
            f"a payment whose status is {s.public_status()} awaits no payment method"
        )
    if s.next_card is not None or s.abandoned is not None:
        raise StateConflict("payment is busy: another card's attempt is starting")


def check_attach(s: PaymentState, new: NewPaymentMethod) -> None:
    """Refuse a new card unless the payment waits for one and has an attempt left.

    Raises:
        StateConflict: Not a ``retry_on_decline`` payment, no attempt left, or not waiting.
        ValidationFailed: The card is not a vault card, or is the card just declined.
    """
    _require_attempt_left(s)
    _require_waiting(s)
    if new.card.token is None:
        raise ValidationFailed("a card or payment_method is required", param="payment_method")
    if new.card.token == s.request.card.token:
        raise ValidationFailed(
            "this card was just declined: attach another card", param="payment_method"
        )


def check_cancel(s: PaymentState) -> None:
    """Refuse a cancel the status forbids; a payment waiting for a card may be canceled.

    Raises:
        StateConflict: If the table forbids it now or another operation is under way.
    """
    if s.status is PaymentStatus.REQUIRES_PAYMENT_METHOD:
        _require_waiting(s)
        return
    s.require(PaymentEvent.CANCELED)


def begin_attempt(s: PaymentState, card: CardFacts) -> None:
    """Start the next attempt on ``card``: the payment keeps its id and history, not its card's
    failure or 3-D Secure state."""
    s.attempt += 1
    s.request = s.request.model_copy(update={"card": card})
    s.next_card = None
    s.failure = None
    s.authentication_id = None
    s.challenge = None
    s.authentication = None
    s.processor_of_challenge = None
