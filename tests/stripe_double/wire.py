"""Stripe's wire format as the double speaks it: form-encoded bodies in, JSON errors out.

The SDK sends ``metadata[payment_id]=x`` and ``payment_method_data[card][number]=...``; these
helpers turn such keys into nested dicts and check amounts as Stripe documents them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

ZERO_DECIMAL = frozenset(
    [
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    ]
)
"""docs.stripe.com/currencies#zero-decimal: the amount is in whole units (JPY 500 = 500 yen)."""
THREE_DECIMAL = frozenset(["bhd", "jod", "kwd", "omr", "tnd"])
"""docs.stripe.com/currencies#three-decimal: the last digit of the amount must be 0."""
MINIMUM = {"usd": 50, "eur": 50, "gbp": 30, "jpy": 50, "cny": 400}
"""docs.stripe.com/currencies#minimum-and-maximum-charge-amounts (the few the tests use)."""
MAXIMUM = 99_999_999
"""The documented largest amount for most currencies (eight digits)."""

_KEY = re.compile(r"([^\[\]]+)|\[([^\[\]]*)\]")


class StripeError(Exception):
    """An error answer, with Stripe's body shape; ``stored`` if idempotency keeps it."""

    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
        stored: bool = True,
    ) -> None:
        super().__init__(message)
        self.status, self.stored = status, stored
        self.error: dict[str, Any] = {"type": type_, "message": message}
        for name, value in (("code", code), ("param", param), ("decline_code", decline_code)):
            if value is not None:
                self.error[name] = value
        self.error.update(extra or {})

    def body(self) -> dict[str, Any]:
        """The JSON answer: ``{"error": {...}}``."""
        return {"error": self.error}


def invalid(message: str, param: str | None = None, code: str | None = None) -> StripeError:
    """A request Stripe refuses before executing anything (never stored for its key)."""
    return StripeError(400, "invalid_request_error", message, code=code, param=param, stored=False)


def parse_form(raw: str) -> dict[str, Any]:
    """``a[b][c]=v`` pairs as nested dicts (list indices stay string keys)."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        parts = [m.group(1) or m.group(2) for m in _KEY.finditer(key)]
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def integer(params: dict[str, Any], name: str, required: bool = True) -> int | None:
    """Parameter ``name`` as a positive integer, or a ``parameter_invalid_integer`` error."""
    raw = params.get(name)
    if raw is None:
        if required:
            raise invalid(f"Missing required param: {name}.", name, "parameter_missing")
        return None
    if not (isinstance(raw, str) and raw.isdigit()):
        raise invalid(f"Invalid integer: {raw}", name, "parameter_invalid_integer")
    return int(raw)


def check_amount(amount: int, currency: str, param: str = "amount", charge: bool = True) -> None:
    """Stripe's documented amount rules for ``currency``, or an ``invalid_request_error``.

    The minimum holds for a charge only (``charge``): captures and refunds may be smaller.
    """
    if amount < (MINIMUM.get(currency, 1) if charge else 1):
        raise invalid("Amount must be at least the currency minimum.", param, "amount_too_small")
    if amount > MAXIMUM:
        raise invalid("Amount must be no more than 99,999,999.", param, "amount_too_large")
    if currency in THREE_DECIMAL and amount % 10:
        raise invalid(
            f"Amounts in {currency.upper()} must be divisible by 10 (the last digit must be 0).",
            param,
            "invalid_amount",
        )


def currency_of(params: dict[str, Any]) -> str:
    """The lowercase three-letter currency, or an error naming ``currency``."""
    raw = params.get("currency")
    if not raw:
        raise invalid("Missing required param: currency.", "currency", "parameter_missing")
    if not re.fullmatch(r"[A-Za-z]{3}", raw):
        raise invalid(f"Invalid currency: {raw}.", "currency", "parameter_invalid")
    return str(raw).lower()


def truthy(value: Any) -> bool:
    """A form boolean (``true``/``false``)."""
    return str(value).lower() == "true"


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` without the double's private fields (names starting with ``_``)."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}
