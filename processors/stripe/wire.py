"""Stripe's parameters and objects: money rules, request bodies, and objects read as models.

Objects are read as plain dicts (``StripeObject.to_dict()``) with ``.get``: fields a Stripe
fake leaves out (localstripe has no ``amount_received`` or ``canceled_at``) fall back openly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import stripe

from payments.errors import DeclineCode, ErrorType
from processors.books import Effect, EffectKind
from processors.errors import ProcessorFailure
from processors.models import (
    Authorization,
    AuthorizeRequest,
    Capture,
    Card,
    PaymentMethodFacts,
    RefundMade,
    Refusal,
    Release,
    ReleaseStatus,
)
from processors.stripe.failures import CARD_CODES, failure_of

Obj = dict[str, Any]
HOLD = timedelta(days=7)
"""Stripe holds an online card authorization for 7 days (most card networks)."""


def card_params(card: Card, cvc: str | None = None) -> Obj:
    """A card PaymentMethod's parameters (the CVC only at verification)."""
    details: Obj = {"number": card.number, "exp_month": card.exp_month, "exp_year": card.exp_year}
    if cvc is not None:
        details["cvc"] = cvc
    return {"type": "card", "card": details}


def metadata(req: AuthorizeRequest) -> dict[str, str]:
    """What names our payment on the PaymentIntent (found again by inquiry and effects)."""
    return {"payment_id": req.payment_id, "merchant_id": req.merchant_id, "step": "authorize"}


def intent_params(req: AuthorizeRequest, payment_method: str) -> Obj:
    """A PaymentIntent confirmed at once, held for a manual capture."""
    return {
        "amount": req.amount.amount,
        "currency": req.amount.currency.value.lower(),
        "payment_method": payment_method,
        "payment_method_types": ["card"],
        "confirm": True,
        "capture_method": "manual",
        "metadata": metadata(req),
    }


def _at(seconds: Any) -> datetime:
    return datetime.fromtimestamp(int(seconds or 0), UTC)


def authorization(pi: Obj) -> Authorization:
    """A PaymentIntent in ``requires_capture`` (or later) as our ``Authorization``."""
    return Authorization(
        authorization_id=pi["id"], amount=int(pi["amount"]), expires_at=_at(pi["created"]) + HOLD
    )


def _charge_id(pi: Obj) -> str:
    charge = pi.get("latest_charge")
    if isinstance(charge, dict):
        return str(charge["id"])
    return str(charge or pi["id"])


def expect(pi: Obj, status: str) -> Obj:
    """``pi`` if it is in ``status`` after our call, else ``IllegalState``.

    Stripe answers a capture or cancel in the wrong state with an error; a fake (localstripe)
    may answer with the object unchanged, which must not read as success.

    Raises:
        ProcessorFailure: ``ILLEGAL_STATE``, code ``payment_intent_unexpected_state``.
    """
    if pi.get("status") != status:
        raise ProcessorFailure(
            ErrorType.ILLEGAL_STATE,
            "payment_intent_unexpected_state",
            f"PaymentIntent is {pi.get('status')}, not {status}",
        )
    return pi


def captured(pi: Obj) -> Capture:
    """A captured PaymentIntent as our ``Capture`` (the charge id, the amount received)."""
    return Capture(capture_id=_charge_id(pi), amount=int(pi.get("amount_received") or pi["amount"]))


def released(pi: Obj) -> Release:
    """A canceled PaymentIntent: expired if Stripe canceled it when the hold lapsed."""
    if pi.get("cancellation_reason") == "automatic":
        return Release(status=ReleaseStatus.EXPIRED)
    return Release(status=ReleaseStatus.VOIDED)


def refunded(refund: Obj, refund_id: str) -> RefundMade:
    """A Stripe Refund as our ``RefundMade`` under our refund id."""
    return RefundMade(refund_id=refund_id, amount=int(refund["amount"]))


def not_held(pi: Obj) -> ProcessorFailure | None:
    """Why a just-confirmed PaymentIntent holds nothing, or ``None`` if it holds the amount."""
    status = pi.get("status")
    if status in ("requires_capture", "succeeded"):
        return None
    if status == "requires_action":
        code = DeclineCode.AUTHENTICATION_REQUIRED
        message = "the issuer requires 3-D Secure authentication"
        return ProcessorFailure(ErrorType.CARD_DECLINED, code.value, message, decline_code=code)
    error = pi.get("last_payment_error") or {}
    if error:
        return refusal_of(error)
    return ProcessorFailure(ErrorType.OUTCOME_UNKNOWN, "unexpected_status", f"status {status}")


def refusal_of(error: Obj) -> ProcessorFailure:
    """A PaymentIntent's stored ``last_payment_error`` (a decline) as a failure."""
    raw = error.get("decline_code") or ""
    try:
        reason = DeclineCode(raw)
    except ValueError:
        reason = CARD_CODES.get(error.get("code") or "", DeclineCode.GENERIC_DECLINE)
    message = str(error.get("message") or "card declined")
    return ProcessorFailure(ErrorType.CARD_DECLINED, reason.value, message, decline_code=reason)


def stored_refusal(pi: Obj) -> Refusal | None:
    """The decline a PaymentIntent recorded, if it holds nothing because of one."""
    failure = not_held(pi)
    return failure.refusal if failure and failure.error_type is ErrorType.CARD_DECLINED else None


def intent_effects(pi: Obj) -> list[Effect]:
    """What one PaymentIntent did to the books: its hold, then its capture or release."""
    pid, amount, status = pi["metadata"].get("payment_id"), int(pi["amount"]), pi.get("status")
    if status not in ("requires_capture", "succeeded", "canceled") or (
        status == "canceled" and pi.get("last_payment_error")
    ):
        return []
    created = _at(pi["created"])
    out = [Effect(operation=EffectKind.AUTHORIZE, payment_id=pid, amount=amount, at=created)]
    if status == "succeeded":
        got = int(pi.get("amount_received") or amount)
        out.append(Effect(operation=EffectKind.CAPTURE, payment_id=pid, amount=got, at=created))
    elif status == "canceled":
        ended = _at(pi.get("canceled_at") or pi["created"])
        out.append(Effect(operation=EffectKind.VOID, payment_id=pid, amount=amount, at=ended))
    return out


def refund_effect(refund: Obj) -> Effect:
    """One Stripe Refund made for our payment."""
    meta = refund.get("metadata") or {}
    return Effect(
        operation=EffectKind.REFUND,
        payment_id=meta.get("payment_id"),
        amount=int(refund["amount"]),
        at=_at(refund["created"]),
        idempotency_key=meta.get("idempotency_key"),
        reference=f"refund:{meta.get('refund_id')}",
    )


def method_facts(pm: Obj) -> PaymentMethodFacts:
    """A card PaymentMethod's display facts; any other type cannot pay a card payment."""
    card = pm.get("card")
    if pm.get("type") != "card" or not card:
        raise ProcessorFailure(
            ErrorType.INVALID_REQUEST, "payment_method_not_card", "not a card PaymentMethod"
        )
    return PaymentMethodFacts(
        brand=str(card["brand"]),
        last4=str(card["last4"]),
        exp_month=int(card["exp_month"]),
        exp_year=int(card["exp_year"]),
    )


def missing_method(exc: stripe.StripeError) -> ProcessorFailure:
    """A 404 on a PaymentMethod is ``resource_missing`` (localstripe leaves the code out)."""
    if exc.http_status == 404:
        return ProcessorFailure(
            ErrorType.INVALID_REQUEST, "resource_missing", "no such PaymentMethod"
        )
    return failure_of(exc)
