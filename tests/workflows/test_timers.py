"""Long timers on a skipped clock: the authorization's expiry and the refund window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from payments.errors import StateConflict
from payments.models import CaptureMethod, PaymentOptions
from payments.status import PaymentEvent, PaymentStatus
from tests.factories import payment_request
from tests.workflows.harness import Tier

WEEK = timedelta(days=7)
_S, _E = PaymentStatus, PaymentEvent


async def test_an_uncaptured_authorization_expires_after_seven_days(tier: Tier) -> None:
    req = payment_request(capture=CaptureMethod.MANUAL)
    view = await tier.start(req)
    assert view.status is _S.AUTHORIZED
    final = await tier.result(req.payment_id)
    assert final.status is _S.EXPIRED
    assert final.transitions[-1].event is _E.EXPIRED
    assert final.transitions[-1].at - final.transitions[0].at >= WEEK
    assert tier.fake.effects(req.payment_id) == ["authorize", "void"]


async def test_capture_inside_the_window_then_the_refund_window_closes(tier: Tier) -> None:
    options = PaymentOptions(authorization_ttl_seconds=7 * 86400, refund_window_seconds=30 * 86400)
    req = payment_request(capture=CaptureMethod.MANUAL, options=options)
    pid = req.payment_id
    await tier.start(req, skip_time=False)
    await tier.forward(pid, timedelta(days=6))
    captured = await tier.capture(pid, 700)
    assert captured.status is _S.CAPTURED
    # The workflow closed at capture; the ledger keeps the window from the capture's time.
    assert captured.refundable_until == captured.transitions[-1].at + timedelta(days=30)
    await tier.refund(pid, "re_in_time", 100)
    tier.skew = captured.refundable_until - datetime.now(UTC) - timedelta(hours=1)
    try:
        await tier.refund(pid, "re_last_hour", 100)
        tier.skew += timedelta(hours=2)
        with pytest.raises(StateConflict, match="refund window for this payment has closed"):
            await tier.refund(pid, "re_too_late", 100)
    finally:
        tier.skew = timedelta(0)
    final = await tier.result(pid)
    assert (final.status, final.amount_refunded) == (_S.PARTIALLY_REFUNDED, 200)
    assert tier.fake.effects(pid) == ["authorize", "capture", "refund", "refund"]


async def test_webhooks_follow_the_transitions(tier: Tier) -> None:
    req = payment_request(amount=900, notify=True)
    await tier.start(req, skip_time=False)
    await tier.refund(req.payment_id, "re_all")
    final = await tier.result(req.payment_id)
    assert final.status is _S.REFUNDED
    assert tier.fake.notified[req.payment_id] == [
        "payment.authorized",
        "payment.succeeded",
        "payment.refunded",
    ]
