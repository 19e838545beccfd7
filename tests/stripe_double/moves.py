"""Capture, cancel and refund, with the refusals Stripe documents for each.

- Capture: only ``requires_capture``; ``amount_to_capture`` at most ``amount_capturable``; the
  rest is released (docs.stripe.com/api/payment_intents/capture).
- Cancel: not once ``succeeded`` or ``canceled``; a held amount is released
  (docs.stripe.com/api/payment_intents/cancel).
- Refund: of a ``succeeded`` intent only, never more than what is left unrefunded, several
  partial refunds allowed (docs.stripe.com/api/refunds/create).
"""

from __future__ import annotations

from typing import Any

from tests.stripe_double.ledger import CANCELABLE, Ledger, _id, unexpected_state
from tests.stripe_double.wire import StripeError, check_amount, integer, invalid

REASONS = {"duplicate", "fraudulent", "requested_by_customer", "abandoned"}


def capture(ledger: Ledger, pi_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/payment_intents/{id}/capture."""
    pi = ledger.intent(pi_id)
    amount = integer(params, "amount_to_capture", required=False)
    if amount is not None:
        check_amount(amount, pi["currency"], "amount_to_capture", charge=False)
    if pi["status"] != "requires_capture":
        raise unexpected_state(pi, "captur")
    amount = pi["amount_capturable"] if amount is None else amount
    if amount > pi["amount_capturable"]:
        raise StripeError(
            400,
            "invalid_request_error",
            "The amount to capture must be less than or equal to the amount "
            f"capturable ({pi['amount_capturable']}).",
            code="amount_too_large",
            param="amount_to_capture",
        )
    pi.update(status="succeeded", amount_received=amount, amount_capturable=0)
    return pi


def cancel(ledger: Ledger, pi_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/payment_intents/{id}/cancel."""
    pi = ledger.intent(pi_id)
    reason = params.get("cancellation_reason")
    if reason is not None and reason not in REASONS:
        raise invalid(f"Invalid cancellation_reason: {reason}", "cancellation_reason")
    if pi["status"] not in CANCELABLE:
        raise unexpected_state(pi, "cancel")
    pi.update(status="canceled", amount_capturable=0, cancellation_reason=reason)
    pi["canceled_at"] = int(ledger.clock())
    return pi


def refund(ledger: Ledger, params: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/refunds (payment_intent, amount, metadata)."""
    pi_id = params.get("payment_intent")
    if not pi_id:
        raise invalid("One of charge or payment_intent is required.", "payment_intent")
    pi = ledger.intent(pi_id)
    amount = integer(params, "amount", required=False)
    if amount is not None:
        check_amount(amount, pi["currency"], charge=False)
    if pi["status"] != "succeeded":
        raise StripeError(
            400,
            "invalid_request_error",
            f"This PaymentIntent ({pi_id}) does not have a successful charge to "
            f"refund (status {pi['status']}).",
            code="charge_not_refundable",
            param="payment_intent",
        )
    left = pi["amount_received"] - pi["_refunded"]
    if left == 0:
        raise StripeError(
            400,
            "invalid_request_error",
            f"Charge {pi['latest_charge']} has already been refunded.",
            code="charge_already_refunded",
        )
    amount = left if amount is None else amount
    if amount > left:
        raise StripeError(
            400,
            "invalid_request_error",
            f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
            param="amount",
        )
    pi["_refunded"] += amount
    return _record(ledger, pi, amount, params)


def _record(
    ledger: Ledger, pi: dict[str, Any], amount: int, params: dict[str, Any]
) -> dict[str, Any]:
    re = ledger._stamp(
        {
            "id": _id("re"),
            "object": "refund",
            "amount": amount,
            "currency": pi["currency"],
            "payment_intent": pi["id"],
            "charge": pi["latest_charge"],
            "status": "succeeded",
            "reason": params.get("reason"),
            "metadata": params.get("metadata") or {},
        }
    )
    ledger.refunds[re["id"]] = re
    return re


__all__ = ["cancel", "capture", "refund"]
