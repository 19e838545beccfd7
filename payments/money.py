"""Money as integer minor units of an allow-listed ISO 4217 currency."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt


class Currency(StrEnum):
    """Currencies this service accepts; anything else is refused at the edge."""

    USD = "USD"
    EUR = "EUR"
    GBP = "GBP"
    CNY = "CNY"
    JPY = "JPY"
    KWD = "KWD"

    @property
    def exponent(self) -> int:
        """Number of minor-unit digits (2 for USD, 0 for JPY, 3 for KWD)."""
        return _EXPONENTS[self]


_EXPONENTS: dict[Currency, int] = {
    Currency.USD: 2,
    Currency.EUR: 2,
    Currency.GBP: 2,
    Currency.CNY: 2,
    Currency.JPY: 0,
    Currency.KWD: 3,
}

# The one limit on any amount (payment, capture, refund; API, CLI and workflows alike), stated
# once: the API's OpenAPI document takes its ``maximum`` from the models that use it.
# 999,999.99 in a two-decimal currency, as card processors commonly cap one charge.
MAX_AMOUNT = 99_999_999

MinorUnits = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)]
PositiveMinorUnits = Annotated[StrictInt, Field(gt=0, le=MAX_AMOUNT)]


class Money(BaseModel):
    """An amount in minor units with its currency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: PositiveMinorUnits
    currency: Currency

    def __str__(self) -> str:
        return format_minor(self.amount, self.currency)


class AmountError(ValueError):
    """Raised when text cannot be read as an amount of minor units."""


_INTEGER = re.compile(r"[0-9]{1,13}")


def parse_minor_units(text: str) -> int:
    """Read a positive integer amount of minor units from user text.

    Args:
        text: What the user typed, e.g. ``"1999"`` for 19.99 USD.

    Returns:
        The amount as an ``int``.

    Raises:
        AmountError: For negative, fractional, exponent, non-numeric, zero or too large input.
    """
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise AmountError(f"amount must be positive, got {cleaned!r}")
    if not _INTEGER.fullmatch(cleaned):
        raise AmountError(
            f"amount must be a whole number of minor units (e.g. 1999 for 19.99), got {cleaned!r}"
        )
    value = int(cleaned)
    if value == 0:
        raise AmountError("amount must be greater than zero")
    if value > MAX_AMOUNT:
        raise AmountError(f"amount must be at most {MAX_AMOUNT} minor units")
    return value


def parse_currency(text: str) -> Currency:
    """Read an allow-listed currency code, case-insensitively.

    Raises:
        ValueError: If the code is not in the allowlist.
    """
    try:
        return Currency(text.strip().upper())
    except ValueError:
        allowed = ", ".join(c.value for c in Currency)
        raise ValueError(f"unknown currency {text!r}; allowed: {allowed}") from None


def format_minor(amount: int, currency: Currency) -> str:
    """Render minor units for people, without ever passing through a float."""
    exp = currency.exponent
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**exp)
    if exp == 0:
        return f"{sign}{whole} {currency.value}"
    return f"{sign}{whole}.{frac:0{exp}d} {currency.value}"
