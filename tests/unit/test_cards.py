"""Card checks at the edge: each failure has its own code, and no message repeats the number."""

from __future__ import annotations

from datetime import date

import pytest

from payments.cards import (
    CardInvalid,
    RawCard,
    brand_of,
    luhn_valid,
    reject_card_like,
    validate_card,
)
from payments.errors import ValidationFailed

TODAY = date(2026, 6, 15)
VISA = "4242424242424242"


@pytest.mark.parametrize(
    ("card", "code", "param"),
    [(RawCard("4242 4242 4242 4242", 12, 2030, "123"), "invalid_number", "number"),
     (RawCard("42424242424", 12, 2030, "123"), "invalid_number", "number"),
     (RawCard("4242424242424241", 12, 2030, "123"), "invalid_number", "number"),
     (RawCard(VISA, 13, 2030, "123"), "invalid_expiry_month", "exp_month"),
     (RawCard(VISA, 0, 2030, "123"), "invalid_expiry_month", "exp_month"),
     (RawCard(VISA, 12, 30, "123"), "invalid_expiry_year", "exp_year"),
     (RawCard(VISA, 5, 2026, "123"), "expired_card", "exp_year"),
     (RawCard(VISA, 12, 2030, "12a"), "invalid_cvc", "cvc")],
)  # fmt: skip
def test_each_check_has_its_own_code(card: RawCard, code: str, param: str) -> None:
    with pytest.raises(CardInvalid) as refused:
        validate_card(card, today=TODAY)
    assert (refused.value.code, refused.value.param) == (code, param)
    assert card.number.replace(" ", "")[:12] not in refused.value.message


def test_a_card_expiring_this_month_is_still_good() -> None:
    validate_card(RawCard(VISA, 6, 2026, "123"), today=TODAY)


def test_luhn_and_brands() -> None:
    assert luhn_valid(VISA) and not luhn_valid("4242424242424241")
    assert [brand_of(n) for n in (VISA, "5555555555554444", "2223003122003222",
            "378282246310005", "6011111111111117", "3566002020360505", "6200000000000005",
            "9999999999999995")] == ["visa", "mastercard", "mastercard", "amex", "discover",
                                     "jcb", "unionpay", "unknown"]  # fmt: skip


def test_raw_card_repr_shows_only_the_last_four() -> None:
    text = repr(RawCard(VISA, 1, 2030, "987"))
    assert text == "RawCard(last4='4242', exp=01/2030)"
    assert "987" not in text


def test_free_text_with_a_card_number_is_refused() -> None:
    reject_card_like("order 12345", param="description")
    reject_card_like(None, param="description")
    for text in (f"card {VISA}", "4242-4242-4242-4242", "4242 4242 4242 4242"):
        with pytest.raises(ValidationFailed, match="description must not contain a card number"):
            reject_card_like(text, param="description")
