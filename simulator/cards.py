"""Test cards, card validation and card fingerprints.

Card numbers only live in memory for the duration of a request; everything persisted is
derived from them (HMAC fingerprint, last four digits, brand).
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

CURRENCY_EXPONENTS: dict[str, int] = {"USD": 2, "EUR": 2, "GBP": 2, "CNY": 2, "JPY": 0, "KWD": 3}
CREDIT_LIMIT_MAJOR = 10_000


class Funding(StrEnum):
    """How a card is funded."""

    CREDIT = "credit"
    PREPAID = "prepaid"


class DeclineCode(StrEnum):
    """Reasons an issuer gives for refusing a card."""

    GENERIC_DECLINE = "generic_decline"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    EXPIRED_CARD = "expired_card"
    INCORRECT_CVC = "incorrect_cvc"
    STOLEN_CARD = "stolen_card"
    LOST_CARD = "lost_card"
    AUTHENTICATION_REQUIRED = "authentication_required"


class ThreeDS(StrEnum):
    """What the card's issuer asks for when the card is authenticated with 3-D Secure."""

    CHALLENGE = "challenge"
    FRICTIONLESS = "frictionless"
    CHALLENGE_FAILS = "challenge_fails"
    """The challenge is shown and fails whatever the customer presses."""


@dataclass(frozen=True)
class CardProfile:
    """Issuer behaviour attached to a card number."""

    funding: Funding = Funding.CREDIT
    balance_major: int = CREDIT_LIMIT_MAJOR
    decline: DeclineCode | None = None
    # Attempts per idempotency key that fail with a retryable processing error.
    transient_failures: int = 0
    # Set: authorization needs a 3-D Secure authentication that succeeded for the payment.
    three_ds: ThreeDS | None = None


_TEST_CARDS: dict[str, CardProfile] = {
    "4000000000000002": CardProfile(decline=DeclineCode.GENERIC_DECLINE),
    # Funded with nothing, so the ledger itself refuses every hold.
    "4000000000009995": CardProfile(balance_major=0),
    "4000000000000069": CardProfile(decline=DeclineCode.EXPIRED_CARD),
    "4000000000000127": CardProfile(decline=DeclineCode.INCORRECT_CVC),
    "4000000000009979": CardProfile(decline=DeclineCode.STOLEN_CARD),
    "4000000000009987": CardProfile(decline=DeclineCode.LOST_CARD),
    "4000000000000119": CardProfile(transient_failures=2),
    "4000000000000507": CardProfile(funding=Funding.PREPAID, balance_major=5),
    "4000000000002503": CardProfile(funding=Funding.PREPAID, balance_major=25),
    # 3-D Secure: Stripe's "3DS2 required" and "supported, not required" cards; Stripe's
    # "authentication required, then it fails" card stands for a challenge that always fails.
    "4000000000003220": CardProfile(three_ds=ThreeDS.CHALLENGE),
    "4000000000003055": CardProfile(three_ds=ThreeDS.FRICTIONLESS),
    "4000008400001280": CardProfile(three_ds=ThreeDS.CHALLENGE_FAILS),
}


def is_well_formed(number: str) -> bool:
    """Return True for a 12-19 digit number that passes the Luhn check."""
    if not (number.isascii() and number.isdigit() and 12 <= len(number) <= 19):
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> str:
    """Return the card brand implied by the number's prefix."""
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or 2221 <= int(number[:4]) <= 2720:
        return "mastercard"
    if number[:2] in {"34", "37"}:
        return "amex"
    if number.startswith(("6011", "65")):
        return "discover"
    return "unknown"


def profile_for(number: str) -> CardProfile:
    """Return the issuer behaviour for a card; unknown valid cards simply approve."""
    return _TEST_CARDS.get(number, CardProfile())


def fingerprint(salt: bytes, number: str) -> str:
    """Return the keyed HMAC-SHA256 fingerprint that stands in for the card number."""
    return hmac.new(salt, number.encode("ascii"), hashlib.sha256).hexdigest()


def opening_balance(profile: CardProfile, currency: str) -> int:
    """Return the card's credit limit or prepaid balance in minor units of ``currency``."""
    return profile.balance_major * int(10 ** CURRENCY_EXPONENTS[currency])


def is_expired(exp_month: int, exp_year: int, today: date) -> bool:
    """Return True when the card's expiry month is over (cards work until month end)."""
    return (exp_year, exp_month) < (today.year, today.month)
