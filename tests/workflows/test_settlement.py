"""Capture, cancel and refunds on an authorized payment, with the processors faked."""

from __future__ import annotations

import asyncio

import pytest

from payments.errors import AmountRejected, ErrorType, PaymentError, StateConflict
from payments.models import CaptureMethod
from payments.status import PaymentEvent, PaymentStatus
from tests.factories import payment_request
from tests.workflows.fakes import Script, refused, unavailable
from tests.workflows.harness import Tier

MANUAL = CaptureMethod.MANUAL
_S, _E = PaymentStatus, PaymentEvent


async def test_automatic_capture(tier: Tier) -> None:
    req = payment_request(amount=1999)
    view = await tier.start(req)
    assert view.status is _S.CAPTURED
    assert (view.amount_authorized, view.amount_captured) == (1999, 1999)
    assert [t.to_status for t in view.transitions] == [_S.AUTHORIZED, _S.CAPTURED]
    assert tier.fake.effects(req.payment_id) == ["authorize", "capture"]


async def test_manual_partial_capture_then_refunds_down_to_zero(tier: Tier) -> None:
    req = payment_request(amount=5000, capture=MANUAL)
    pid = req.payment_id
    view = await tier.start(req, skip_time=False)
    assert view.status is _S.AUTHORIZED
    view = await tier.capture(pid, 3000)
    assert (view.status, view.amount_captured) == (_S.CAPTURED, 3000)
    await tier.refund(pid, "re_one", 1000)
    await tier.refund(pid, "re_two", 500)
    view = await tier.view(pid)
    assert (view.status, view.amount_refunded) == (_S.PARTIALLY_REFUNDED, 1500)
    await tier.refund(pid, "re_rest")  # no amount: whatever is left
    final = await tier.result(pid)
    assert (final.status, final.amount_refunded) == (_S.REFUNDED, 3000)
    assert [t.event for t in final.transitions][-3:] == [
        _E.REFUNDED_PARTIALLY,
        _E.REFUNDED_PARTIALLY,
        _E.REFUNDED_FULLY,
    ]
    assert tier.fake.effects(pid) == ["authorize", "capture", "refund", "refund", "refund"]
    keys = [c.key for c in tier.fake.calls[pid] if c.step == "refund"]
    assert len(set(keys)) == 3, "each refund id has its own idempotency key"


async def test_a_full_refund_ends_the_payment(tier: Tier) -> None:
    req = payment_request(amount=700)
    await tier.start(req, skip_time=False)
    await tier.refund(req.payment_id, "re_all", 700)
    final = await tier.result(req.payment_id)
    assert final.status is _S.REFUNDED
    assert (final.transitions[-1].from_status, final.transitions[-1].event) == (
        _S.CAPTURED,
        _E.REFUNDED_FULLY,
    )


async def test_repeated_refund_id_refunds_once(tier: Tier) -> None:
    req = payment_request(amount=800)
    await tier.start(req, skip_time=False)
    first = await tier.refund(req.payment_id, "re_x", 300)
    again = await tier.refund(req.payment_id, "re_x", 300)
    assert first == again
    assert tier.fake.effects(req.payment_id).count("refund") == 1


async def test_cancel_voids_the_hold(tier: Tier) -> None:
    req = payment_request(capture=MANUAL)
    await tier.start(req, skip_time=False)
    view = await tier.cancel(req.payment_id)
    assert view.status is _S.CANCELED
    assert tier.fake.effects(req.payment_id) == ["authorize", "void"]
    with pytest.raises(StateConflict):
        await tier.capture(req.payment_id)
    assert (await tier.result(req.payment_id)).status is _S.CANCELED


async def test_illegal_amounts_are_rejected_before_history(tier: Tier) -> None:
    req = payment_request(amount=1000, capture=MANUAL)
    pid = req.payment_id
    await tier.start(req, skip_time=False)
    before = await tier.history_length(pid)
    with pytest.raises(AmountRejected):
        await tier.capture(pid, 1001)
    with pytest.raises(StateConflict):
        await tier.refund(pid, "re_early", 1)
    assert await tier.history_length(pid) == before
    await tier.capture(pid, 1000)
    with pytest.raises(AmountRejected):
        await tier.refund(pid, "re_big", 1001)


async def test_concurrent_refunds_never_exceed_captured(tier: Tier) -> None:
    req = payment_request(amount=1000)
    pid = req.payment_id
    await tier.start(req, skip_time=False)
    results = await asyncio.gather(
        *(tier.refund(pid, f"re_c{i}", 300) for i in range(5)), return_exceptions=True
    )
    done = [r for r in results if not isinstance(r, BaseException)]
    assert len(done) == 3
    assert all(isinstance(r, AmountRejected | StateConflict) for r in results if r not in done)
    refunded = [c.amount for c in tier.fake.calls[pid] if c.step == "refund" and c.ok]
    assert refunded == [300, 300, 300]


async def test_an_update_is_refused_while_another_is_under_way(tier: Tier) -> None:
    script = Script(gate=asyncio.Event())
    req = payment_request(capture=MANUAL)
    await tier.start(req, script, skip_time=False)
    capturing = asyncio.create_task(tier.capture(req.payment_id))
    await asyncio.wait_for(script.waiting.wait(), 10)
    with pytest.raises(StateConflict, match="busy: a capture is in progress"):
        await tier.cancel(req.payment_id)
    assert script.gate is not None
    script.gate.set()
    assert (await capturing).status is _S.CAPTURED
    assert tier.fake.effects(req.payment_id) == ["authorize", "capture"]


async def test_capture_retries_at_the_authorizing_processor_until_it_answers(tier: Tier) -> None:
    script = Script(processors=["primary", "secondary"])
    script.fail("capture", "primary", unavailable(), unavailable())
    req = payment_request(amount=1200)
    view = await tier.start(req, script)
    assert (view.status, view.processor) == (_S.CAPTURED, "primary")
    captures = [c for c in tier.fake.calls[req.payment_id] if c.step == "capture"]
    assert [c.attempt for c in captures] == [1, 2, 3]
    assert {(c.processor, c.key) for c in captures} == {("primary", f"{req.payment_id}:capture")}
    assert "secondary" not in tier.fake.processors_called(req.payment_id)


async def test_a_lapsed_hold_at_capture_ends_expired(tier: Tier) -> None:
    lapsed = refused(ErrorType.ILLEGAL_STATE, "authorization_expired")
    script = Script().fail("capture", "primary", lapsed)
    req = payment_request(capture=MANUAL)
    await tier.start(req, script, skip_time=False)
    with pytest.raises(PaymentError):
        await tier.capture(req.payment_id)
    view = await tier.view(req.payment_id)
    assert view.status is _S.EXPIRED
    assert view.failure is not None and view.failure.code == "authorization_expired"
