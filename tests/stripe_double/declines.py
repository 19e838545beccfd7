"""Card errors as Stripe answers them: 402 ``card_error`` with ``code`` and ``decline_code``,
and the intent itself (back to ``requires_payment_method``) with the error as its last one
(docs.stripe.com/api/errors, docs.stripe.com/declines/codes)."""

from __future__ import annotations

from typing import Any

from tests.stripe_double import cards
from tests.stripe_double.wire import StripeError, public

LAST_ERROR = {"payment_intent": "last_payment_error", "setup_intent": "last_setup_error"}


def card_error(
    owner: str,
    intent: dict[str, Any],
    method: dict[str, Any],
    code: str,
    decline: str | None,
    charge: str | None = None,
) -> StripeError:
    """The 402 for ``intent`` (a ``payment_intent`` or ``setup_intent``, as ``owner`` says)."""
    error: dict[str, Any] = {
        "type": "card_error",
        "code": code,
        "decline_code": decline,
        "message": cards.MESSAGES[code],
        "doc_url": f"https://stripe.com/docs/error-codes/{code}",
        "payment_method": method,
    }
    if charge:
        error["charge"] = charge
    intent.update({"status": "requires_payment_method", LAST_ERROR[owner]: error})
    extra = {k: v for k, v in error.items() if k in ("charge", "doc_url", "payment_method")}
    return StripeError(
        402,
        "card_error",
        error["message"],
        code=code,
        decline_code=decline,
        extra={**extra, owner: public(intent)},
    )
