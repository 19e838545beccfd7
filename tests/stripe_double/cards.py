"""Stripe's documented test cards (docs.stripe.com/testing) and what the double does with them.

Any other number passing the Luhn check is approved, as in Stripe's test mode.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What confirming a PaymentIntent with this card does."""

    code: str | None = None
    """Error ``code`` of a ``card_error`` (``None`` for an approval)."""
    decline_code: str | None = None
    three_d_secure: bool = False
    """A challenge is needed: ``requires_action`` on session, an error off session."""


APPROVED = Outcome()
TEST_CARDS: dict[str, Outcome] = {
    "4242424242424242": APPROVED,
    "5555555555554444": APPROVED,
    "4000000000003055": APPROVED,  # 3DS supported but not required: frictionless
    "4000000000000002": Outcome("card_declined", "generic_decline"),
    "4000000000009995": Outcome("card_declined", "insufficient_funds"),
    "4000000000009987": Outcome("card_declined", "lost_card"),
    "4000000000009979": Outcome("card_declined", "stolen_card"),
    "4000000000000069": Outcome("expired_card", "expired_card"),
    "4000000000000127": Outcome("incorrect_cvc", "incorrect_cvc"),
    "4000000000000119": Outcome("processing_error", "processing_error"),
    "4000000000003220": Outcome(three_d_secure=True),
}
MESSAGES = {
    "card_declined": "Your card was declined.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "processing_error": "An error occurred while processing your card. Try again in a little bit.",
    "authentication_required": "Your card was declined. This transaction requires authentication.",
}
BRANDS = {"4": "visa", "5": "mastercard", "3": "amex", "6": "discover"}


def luhn_ok(number: str) -> bool:
    """Whether ``number`` passes the Luhn check (Stripe refuses it as ``incorrect_number``)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def outcome(number: str) -> Outcome:
    """The outcome of charging ``number``."""
    return TEST_CARDS.get(number, APPROVED)


def brand(number: str) -> str:
    """The card brand from the first digit (enough for test cards)."""
    return BRANDS.get(number[:1], "unknown")
