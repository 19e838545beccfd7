"""One CVC length table by brand, and one amount limit for the API's schema and the CLI."""

from __future__ import annotations

from datetime import date

import pytest

from api.schemas import CapturePayment, CreatePayment, CreateRefund
from payments.cards import CVC_DIGITS, CardInvalid, RawCard, brand_of, validate_card
from payments.money import MAX_AMOUNT, AmountError, parse_minor_units

TODAY = date(2026, 1, 1)
AMEX, VISA = "378282246310005", "4242424242424242"


@pytest.mark.parametrize(
    ("number", "cvc", "ok"),
    [(VISA, "123", True), (VISA, "1234", False), (AMEX, "1234", True), (AMEX, "123", False),
     (VISA, "12", False), (VISA, "１２３", False), (AMEX, "12 4", False)],
)  # fmt: skip
def test_cvc_length_follows_the_brand(number: str, cvc: str, ok: bool) -> None:
    card = RawCard(number, 12, 2030, cvc)
    if ok:
        validate_card(card, today=TODAY)
        return
    with pytest.raises(CardInvalid) as refused:
        validate_card(card, today=TODAY)
    assert (refused.value.code, refused.value.param) == ("invalid_cvc", "cvc")
    assert cvc not in refused.value.message


@pytest.mark.parametrize(
    "number",
    [VISA, "5555555555554444", "2223003122003222", AMEX, "6011111111111117", "3566002020360505",
     "6200000000000005", "9999999999999995"],
)  # fmt: skip
def test_every_brand_has_a_cvc_length(number: str) -> None:
    assert brand_of(number) in CVC_DIGITS


@pytest.mark.parametrize("model", [CreatePayment, CapturePayment, CreateRefund])
def test_the_api_schema_maximum_is_the_one_limit(model: type[CreatePayment]) -> None:
    amount = model.model_json_schema()["properties"]["amount"]
    bounds = [amount, *amount.get("anyOf", [])]
    assert MAX_AMOUNT in [b.get("maximum") for b in bounds]


def test_the_cli_parser_applies_the_same_limit() -> None:
    assert parse_minor_units(str(MAX_AMOUNT)) == MAX_AMOUNT
    for text in (str(MAX_AMOUNT + 1), "99999999999", "9" * 5000, "0" * 30 + "100000000"):
        with pytest.raises(AmountError, match=f"at most {MAX_AMOUNT}"):
            parse_minor_units(text)
    assert parse_minor_units("000100") == 100
