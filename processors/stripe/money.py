"""Stripe's amount rules, checked before any call so that Stripe never has to refuse them."""

from __future__ import annotations

from payments.errors import ErrorType
from payments.money import Currency, Money
from processors.errors import ProcessorFailure

THREE_DECIMAL = frozenset({"KWD", "BHD", "JOD", "OMR", "TND"})
"""Stripe takes these in 3-decimal minor units, but only multiples of 10 (docs: currencies)."""
MINIMUM: dict[Currency, int] = {
    Currency.USD: 50,
    Currency.EUR: 50,
    Currency.GBP: 30,
    Currency.JPY: 50,
}
"""Stripe's smallest charge per currency, in minor units (docs: minimum charge amounts)."""


def invalid(code: str, message: str) -> ProcessorFailure:
    """An ``INVALID_REQUEST`` refused here, before calling Stripe."""
    return ProcessorFailure(ErrorType.INVALID_REQUEST, code, message)


def check_amount(money: Money, *, charge: bool) -> None:
    """Refuse an amount Stripe would refuse (``charge``: the minimum applies too).

    Raises:
        ProcessorFailure: ``INVALID_REQUEST`` with code ``amount_not_divisible`` or
            ``amount_too_small``.
    """
    if money.currency.value in THREE_DECIMAL and money.amount % 10:
        raise invalid(
            "amount_not_divisible",
            f"Stripe takes {money.currency.value} amounts in multiples of 10 minor units",
        )
    least = MINIMUM.get(money.currency, 0) if charge else 0
    if money.amount < least:
        raise invalid("amount_too_small", f"Stripe's minimum charge is {least} minor units")
