"""Webhook events, their timestamped HMAC-SHA256 signatures, and the receiver's ``verify``."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime
from enum import StrEnum
from typing import Literal

from payments.models import Frozen, PaymentView
from payments.public import Language, PaymentOut, payment_out
from payments.status import PaymentEvent

SIGNATURE_HEADER = "Payments-Signature"
EVENT_ID_HEADER = "Payments-Event-Id"
DEFAULT_TOLERANCE_SECONDS = 300


class EventType(StrEnum):
    """What a webhook announces."""

    REQUIRES_ACTION = "payment.requires_action"
    REQUIRES_PAYMENT_METHOD = "payment.requires_payment_method"
    AUTHORIZED = "payment.authorized"
    SUCCEEDED = "payment.succeeded"
    FAILED = "payment.failed"
    CANCELED = "payment.canceled"
    EXPIRED = "payment.expired"
    PARTIALLY_REFUNDED = "payment.partially_refunded"
    REFUNDED = "payment.refunded"


EVENT_TYPES: dict[PaymentEvent, EventType] = {
    PaymentEvent.REQUIRES_ACTION: EventType.REQUIRES_ACTION,
    PaymentEvent.REQUIRES_PAYMENT_METHOD: EventType.REQUIRES_PAYMENT_METHOD,
    PaymentEvent.AUTHORIZED: EventType.AUTHORIZED,
    PaymentEvent.CAPTURED: EventType.SUCCEEDED,
    PaymentEvent.DECLINED: EventType.FAILED,
    PaymentEvent.FAILED: EventType.FAILED,
    PaymentEvent.CANCELED: EventType.CANCELED,
    PaymentEvent.EXPIRED: EventType.EXPIRED,
    PaymentEvent.REFUNDED_PARTIALLY: EventType.PARTIALLY_REFUNDED,
    PaymentEvent.REFUNDED_FULLY: EventType.REFUNDED,
}


class EventData(Frozen):
    """What an event is about: the payment object exactly as ``GET /v1/payments/{id}`` shows it."""

    object: PaymentOut


class WebhookEvent(Frozen):
    """One event; ``id`` is unique and stable, so receivers can drop replays."""

    id: str
    object: Literal["event"] = "event"
    type: EventType
    created_at: datetime
    data: EventData


class Notification(Frozen):
    """The notify activity's input: whose endpoint to call, and the event to POST there."""

    merchant_id: str
    event: WebhookEvent


WEBHOOK_LANGUAGE: Language = "en"
"""Customer messages in webhooks are English: a delivery has no ``Accept-Language``."""


def event_for(view: PaymentView, event: PaymentEvent, seq: int, at: datetime) -> Notification:
    """The webhook for ``event`` that just happened to the payment in ``view``."""
    hook = WebhookEvent(
        id=f"evt_{view.payment_id}_{seq}",
        type=EVENT_TYPES[event],
        created_at=at,
        data=EventData(object=payment_out(view, WEBHOOK_LANGUAGE)),
    )
    return Notification(merchant_id=view.merchant_id, event=hook)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class SignatureError(ValueError):
    """A webhook's signature is missing, malformed, wrong or too old."""


def verify(
    header: str,
    body: bytes,
    secret: str,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: int | None = None,
) -> int:
    """Check a webhook signature the way a merchant's receiver should.

    Returns:
        The signed timestamp.

    Raises:
        SignatureError: If the header is malformed, no ``v1`` matches, or the timestamp is
            outside the tolerance window (a replay of an old delivery).
    """
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in parts if k == "t"]
    signatures = [v for k, v in parts if k == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not signatures:
        raise SignatureError("malformed signature header")
    timestamp = int(stamps[0])
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("signature does not match")
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        raise SignatureError("signature timestamp outside the tolerance window")
    return timestamp


class ReplayGuard:
    """Remembers event ids seen within the tolerance window, for receivers to drop replays."""

    def __init__(self, window_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> None:
        """Keep ids for ``window_seconds`` (older deliveries fail ``verify`` anyway)."""
        self._window = window_seconds
        self._seen: dict[str, float] = {}

    def first_time(self, event_id: str, now: float | None = None) -> bool:
        """True the first time ``event_id`` is seen; False for a replay."""
        current = time.time() if now is None else now
        self._seen = {k: t for k, t in self._seen.items() if current - t <= self._window}
        if event_id in self._seen:
            return False
        self._seen[event_id] = current
        return True
