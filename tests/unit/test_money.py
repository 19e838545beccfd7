"""Money: integer minor units of an allow-listed currency, never a float."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from payments.money import (
    MAX_AMOUNT,
    AmountError,
    Currency,
    Money,
    format_minor,
    parse_currency,
    parse_minor_units,
)


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [(1999, Currency.USD, "19.99 USD"), (5, Currency.EUR, "0.05 EUR"), (500, Currency.JPY,
     "500 JPY"), (1234, Currency.KWD, "1.234 KWD"), (-250, Currency.GBP, "-2.50 GBP"),
     (MAX_AMOUNT, Currency.USD, "999999.99 USD")],
)  # fmt: skip
def test_format_uses_the_currency_exponent(amount: int, currency: Currency, text: str) -> None:
    assert format_minor(amount, currency) == text


def test_money_is_frozen_strict_and_positive() -> None:
    m = Money(amount=1999, currency=Currency.USD)
    assert str(m) == "19.99 USD"
    with pytest.raises(ValidationError):
        m.amount = 1  # type: ignore[misc]
    for bad in (0, -1, 19.99, "1999", True):
        with pytest.raises(ValidationError):
            Money(amount=bad, currency=Currency.USD)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Money(amount=1, currency="XXX")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="extra"):
        Money(amount=1, currency=Currency.USD, fee=1)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("text", "message"),
    [("-5", "must be positive"), ("19.99", "whole number"), ("1e3", "whole number"),
     ("", "whole number"), ("abc", "whole number"), ("0", "greater than zero"),
     ("000", "greater than zero"), (str(MAX_AMOUNT + 1), f"at most {MAX_AMOUNT}")],
)  # fmt: skip
def test_parse_refuses_anything_but_a_positive_whole_number(text: str, message: str) -> None:
    with pytest.raises(AmountError, match=message):
        parse_minor_units(text)


def test_parse_reads_whole_minor_units() -> None:
    assert parse_minor_units(" 1999 ") == 1999
    assert parse_minor_units("007") == 7


def test_currency_codes_are_allow_listed_case_insensitively() -> None:
    assert parse_currency(" usd ") is Currency.USD
    with pytest.raises(ValueError, match="unknown currency 'XBT'; allowed: USD, EUR"):
        parse_currency("XBT")
    assert {c.exponent for c in Currency} == {0, 2, 3}
