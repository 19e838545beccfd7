"""Domain objects for tests that need no vault, processor or Temporal: a request, a card."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from payments.ids import new_payment_id
from payments.models import CaptureMethod, CardFacts, PaymentOptions, PaymentRequest
from payments.money import Currency, Money

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def card_facts() -> CardFacts:
    """A vaulted card as a payment carries it: a token and display facts, never a number."""
    return CardFacts(
        token=f"pm_{secrets.token_hex(8)}", brand="visa", last4="4242", exp_month=12, exp_year=2030
    )


def payment_request(
    *,
    amount: int = 1000,
    currency: Currency = Currency.USD,
    capture: CaptureMethod = CaptureMethod.AUTOMATIC,
    options: PaymentOptions | None = None,
    notify: bool = False,
    processors: tuple[str, ...] = (),
) -> PaymentRequest:
    """A workflow input with a fresh payment id; ``processors`` empty: the route decides."""
    return PaymentRequest(
        payment_id=new_payment_id(),
        merchant_id="merchant_test",
        amount=Money(amount=amount, currency=currency),
        capture_method=capture,
        card=card_facts(),
        notify=notify,
        options=options or PaymentOptions(),
        processors=processors,
    )
