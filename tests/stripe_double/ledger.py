"""The double's objects in memory: PaymentMethods, PaymentIntents (with charges) and Refunds.

Each operation either returns the object Stripe would answer with or raises ``StripeError``.
Validation errors (``stored=False``) happen before anything changes.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from tests.stripe_double import cards
from tests.stripe_double.declines import card_error
from tests.stripe_double.wire import (
    StripeError,
    check_amount,
    currency_of,
    integer,
    invalid,
    public,
)

CANCELABLE = {"requires_payment_method", "requires_capture", "requires_confirmation"} | {
    "requires_action",
    "processing",
}


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


class Ledger:
    """Every object the double holds, by id; ``clock`` gives Unix seconds."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.methods: dict[str, dict[str, Any]] = {}
        self.numbers: dict[str, str] = {}  # pm id -> card number, never answered
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.setups: dict[str, dict[str, Any]] = {}
        self._seq = itertools.count()  # orders objects created in the same second
        self.origin = "http://127.0.0.1"
        """Where clients reach the double (its 3-D Secure page's URLs), from the last request."""
        self.search_lag = 0.0
        """Seconds before a new object shows in search (``POST /__double/search_lag``)."""

    def _stamp(self, obj: dict[str, Any]) -> dict[str, Any]:
        now = self.clock()
        obj["created"], obj["_at"], obj["_seq"] = int(now), now, next(self._seq)
        return obj

    def create_method(self, params: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/payment_methods (type=card, card[number|exp_month|exp_year|cvc])."""
        if params.get("type") != "card":
            raise invalid("Only type=card is supported by the double.", "type")
        card = params.get("card") or {}
        number = str(card.get("number", "")).replace(" ", "")
        if not number.isdigit() or not 12 <= len(number) <= 19 or not cards.luhn_ok(number):
            raise StripeError(
                402,
                "card_error",
                "Your card number is incorrect.",
                code="incorrect_number",
                param="card[number]",
            )
        month, year = integer(card, "exp_month"), integer(card, "exp_year")
        assert month is not None and year is not None
        if not 1 <= month <= 12:
            raise StripeError(
                402,
                "card_error",
                "Your card's expiration month is invalid.",
                code="invalid_expiry_month",
                param="card[exp_month]",
            )
        pm = self._stamp(
            {
                "id": _id("pm"),
                "object": "payment_method",
                "type": "card",
                "livemode": False,
                "metadata": params.get("metadata") or {},
                "customer": None,
                "card": {
                    "brand": cards.brand(number),
                    "last4": number[-4:],
                    "exp_month": month,
                    "exp_year": year,
                    "funding": "credit",
                    "country": "US",
                    "checks": {"cvc_check": "unchecked" if card.get("cvc") else None},
                },
            }
        )
        self.methods[pm["id"]], self.numbers[pm["id"]] = pm, number
        return pm

    def method_for(self, params: dict[str, Any]) -> str:
        """The PaymentMethod a PaymentIntent names, creating it from ``payment_method_data``."""
        if data := params.get("payment_method_data"):
            return str(self.create_method(data)["id"])
        pm = params.get("payment_method")
        if pm is None:
            raise invalid("Missing required param: payment_method.", "payment_method")
        if pm not in self.methods:
            raise invalid(f"No such PaymentMethod: '{pm}'", "payment_method", "resource_missing")
        return str(pm)

    def create_intent(self, params: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/payment_intents; with ``confirm=true`` it is confirmed at once."""
        amount, currency = integer(params, "amount"), currency_of(params)
        assert amount is not None
        check_amount(amount, currency)
        method = params.get("capture_method", "automatic")
        if method not in ("automatic", "automatic_async", "manual"):
            raise invalid(f"Invalid capture_method: {method}", "capture_method")
        pm = (
            self.method_for(params)
            if params.get("confirm") == "true"
            or ("payment_method" in params or "payment_method_data" in params)
            else None
        )
        pi = self._stamp(
            {
                "id": _id("pi"),
                "object": "payment_intent",
                "amount": amount,
                "currency": currency,
                "amount_capturable": 0,
                "amount_received": 0,
                "capture_method": method,
                "confirmation_method": "automatic",
                "status": "requires_confirmation" if pm else "requires_payment_method",
                "payment_method": pm,
                "latest_charge": None,
                "last_payment_error": None,
                "next_action": None,
                "canceled_at": None,
                "cancellation_reason": None,
                "metadata": params.get("metadata") or {},
                "livemode": False,
                "payment_method_types": ["card"],
                "description": None,
                "_refunded": 0,
            }
        )
        pi["client_secret"] = f"{pi['id']}_secret_{secrets.token_hex(8)}"
        self.intents[pi["id"]] = pi
        if params.get("confirm") == "true":
            return self.confirm(pi["id"], params)
        return pi

    def intent(self, pi_id: str) -> dict[str, Any]:
        """The PaymentIntent ``pi_id``, or ``resource_missing``."""
        if pi_id not in self.intents:
            raise StripeError(
                404,
                "invalid_request_error",
                f"No such payment_intent: '{pi_id}'",
                code="resource_missing",
                param="intent",
                stored=False,
            )
        return self.intents[pi_id]

    def confirm(self, pi_id: str, params: dict[str, Any]) -> dict[str, Any]:
        """Charge the PaymentIntent's card: approved, declined (402) or needing 3DS."""
        pi = self.intent(pi_id)
        if pi["status"] not in ("requires_confirmation", "requires_payment_method"):
            raise unexpected_state(pi, "confirm")
        if "payment_method" in params or "payment_method_data" in params:
            pi["payment_method"] = self.method_for(params)
        if pi["payment_method"] is None:
            raise invalid("You must provide a payment_method to confirm.", "payment_method")
        pi["latest_charge"] = _id("ch")
        result = cards.outcome(self.numbers[pi["payment_method"]])
        if result.three_d_secure:
            return self._challenge(pi, off_session=params.get("off_session") == "true")
        if result.code:
            raise self._decline(pi, result.code, result.decline_code)
        pi["last_payment_error"], pi["next_action"] = None, None
        if pi["capture_method"] == "manual":
            pi.update(status="requires_capture", amount_capturable=pi["amount"])
        else:
            pi.update(status="succeeded", amount_received=pi["amount"])
        return pi

    def _challenge(self, pi: dict[str, Any], off_session: bool) -> dict[str, Any]:
        if off_session:
            raise self._decline(pi, "authentication_required", "authentication_required")
        pi["status"] = "requires_action"
        pi["next_action"] = {
            "type": "use_stripe_sdk",
            "use_stripe_sdk": {"type": "three_d_secure_redirect"},
        }
        return pi

    def _decline(self, pi: dict[str, Any], code: str, decline: str | None) -> StripeError:
        method = self.methods[pi["payment_method"]]
        return card_error("payment_intent", pi, method, code, decline, pi["latest_charge"])


def unexpected_state(pi: dict[str, Any], action: str) -> StripeError:
    """Stripe's ``payment_intent_unexpected_state`` for ``action`` in the intent's status."""
    return StripeError(
        400,
        "invalid_request_error",
        f"This PaymentIntent could not be {action}ed because it has a status of {pi['status']}.",
        code="payment_intent_unexpected_state",
        extra={"payment_intent": public(pi)},
    )
