"""The page's form, form-encoded in the POST body: its fields, and the card they make."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs

from payments.cards import CardInvalid, RawCard, ValidCard, validate_card

_EXPIRY = re.compile(r"^(\d{1,2})\s*[/\-]?\s*(\d{2}|\d{4})$")
# What a person types between digits groups of a card number.
_SEPARATORS = re.compile(r"[\s\-]")
MAX_ATTEMPT = 100
# Which words of the page explain each refused field.
TEXT_OF_PARAM = {"number": "bad_number", "exp_month": "bad_expiry", "exp_year": "bad_expiry",
                 "cvc": "bad_cvc"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CardForm:
    """The submitted fields; ``repr`` never shows the card."""

    csrf: str
    attempt: int
    number: str
    exp: str
    cvc: str

    def __repr__(self) -> str:
        return f"CardForm(attempt={self.attempt})"


def parse(raw: bytes) -> CardForm:
    """The fields of a form-encoded body (missing ones empty; the name is not kept)."""
    fields = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=20)

    def one(name: str) -> str:
        return fields.get(name, [""])[0].strip()

    attempt = one("attempt")
    number = int(attempt) if attempt.isdigit() and len(attempt) < 4 else 0
    return CardForm(one("csrf"), min(number, MAX_ATTEMPT), _SEPARATORS.sub("", one("number")),
                    one("exp"), one("cvc"))  # fmt: skip


def card(form: CardForm) -> ValidCard:
    """The card, checked as the API checks one (number, expiry, CVC length).

    Raises:
        CardInvalid: A field is wrong; ``param`` names it (``TEXT_OF_PARAM`` has its words).
    """
    match = _EXPIRY.match(form.exp)
    if match is None:
        raise CardInvalid("invalid_expiry_month", "expiry must be MM/YY", param="exp_month")
    month, year = int(match[1]), int(match[2])
    year = year + 2000 if year < 100 else year
    raw = RawCard(form.number, month, year, form.cvc)
    return validate_card(raw, today=datetime.now(UTC).date())
