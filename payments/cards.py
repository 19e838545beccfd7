"""Card-number checks done at the edge, before anything starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from payments.errors import ValidationFailed

_DIGITS = re.compile(r"^[0-9]{12,19}$")
# Any run of 12+ digits, optionally split by spaces or dashes, looks like a card number.
CARD_LIKE = re.compile(r"(?:\d[ -]?){12,19}")


class CardInvalid(ValidationFailed):
    """A card field is wrong; ``code`` says which check failed."""

    def __init__(self, code: str, message: str, *, param: str) -> None:
        super().__init__(message, param=param)
        self.code = code


@dataclass(frozen=True, slots=True)
class RawCard:
    """Card data as typed by a person. Lives only in memory at the edge."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str

    def __repr__(self) -> str:
        return f"RawCard(last4={self.number[-4:]!r}, exp={self.exp_month:02d}/{self.exp_year})"


@dataclass(frozen=True, slots=True, repr=False)
class ValidCard(RawCard):
    """A card that passed ``validate_card`` (only it makes one): later steps need not re-check."""

    brand: str


def luhn_valid(number: str) -> bool:
    """The Luhn checksum that every real card number satisfies."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def brand_of(number: str) -> str:
    """Card brand from the leading digits."""
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or 2221 <= int(number[:4]) <= 2720:
        return "mastercard"
    if number[:2] in {"34", "37"}:
        return "amex"
    if number.startswith(("6011", "65")):
        return "discover"
    if number.startswith("35"):
        return "jcb"
    if number.startswith("62"):
        return "unionpay"
    return "unknown"


CVC_DIGITS: dict[str, int] = {
    "visa": 3,
    "mastercard": 3,
    "amex": 4,
    "discover": 3,
    "jcb": 3,
    "unionpay": 3,
    "unknown": 3,
}
"""How many digits each brand's security code has (``brand_of`` names); only American Express
prints four."""


def validate_card(card: RawCard, *, today: date) -> ValidCard:
    """Check number, expiry and CVC; the first failure raises with its own code.

    Returns:
        The same card as a ``ValidCard``, so the check runs once per request.

    Raises:
        CardInvalid: ``invalid_number``, ``invalid_expiry_month``, ``invalid_expiry_year``,
            ``expired_card`` or ``invalid_cvc``. Messages never repeat the number.
    """
    if not _DIGITS.match(card.number):
        raise CardInvalid("invalid_number", "card number must be 12 to 19 digits", param="number")
    if not luhn_valid(card.number):
        raise CardInvalid("invalid_number", "card number fails the Luhn check", param="number")
    if not 1 <= card.exp_month <= 12:
        raise CardInvalid("invalid_expiry_month", "exp_month must be 1-12", param="exp_month")
    if not 2000 <= card.exp_year <= 2100:
        raise CardInvalid(
            "invalid_expiry_year", "exp_year must be a 4-digit year", param="exp_year"
        )
    if (card.exp_year, card.exp_month) < (today.year, today.month):
        raise CardInvalid("expired_card", "the card's expiry date is in the past", param="exp_year")
    brand = brand_of(card.number)
    digits = CVC_DIGITS[brand]
    if not (card.cvc.isascii() and card.cvc.isdigit() and len(card.cvc) == digits):
        message = f"cvc must be {digits} digits for this card ({brand})"
        raise CardInvalid("invalid_cvc", message, param="cvc")
    return ValidCard(card.number, card.exp_month, card.exp_year, card.cvc, brand)


def reject_card_like(text: str | None, *, param: str) -> None:
    """Refuse free text that contains something that looks like a card number.

    Raises:
        ValidationFailed: If ``text`` has a run of 12 or more digits.
    """
    if text and CARD_LIKE.search(text):
        raise ValidationFailed(f"{param} must not contain a card number", param=param)
