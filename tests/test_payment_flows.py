"""PaymentWorkflow end to end: real dev server, real activities, real simulator over HTTP."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import Client

from facade import operations as ops
from infra.settings import Settings
from payments.errors import AmountRejected, StateConflict
from payments.models import CaptureMethod, RefundRequest
from payments.status import PaymentStatus
from stores.refunds import open_refunds
from tests.helpers import Simulator, pay, steps

pytestmark = pytest.mark.usefixtures("worker")


async def test_automatic_capture(client: Client, settings: Settings, simulator: Simulator) -> None:
    view = await pay(client, settings, amount=1999)
    assert view.status is PaymentStatus.CAPTURED
    assert (view.amount_authorized, view.amount_captured) == (1999, 1999)
    assert [t.to_status for t in view.transitions] == [
        PaymentStatus.AUTHORIZED,
        PaymentStatus.CAPTURED,
    ]
    assert steps(simulator.effects(view.payment_id)) == ["authorize", "capture"]


async def test_manual_partial_capture_then_two_refunds(
    client: Client, settings: Settings, simulator: Simulator
) -> None:
    view = await pay(client, settings, amount=5000, capture=CaptureMethod.MANUAL)
    assert view.status is PaymentStatus.AUTHORIZED
    view = await ops.capture(client, view.payment_id, 3000)
    assert (view.status, view.amount_captured) == (PaymentStatus.CAPTURED, 3000)
    await ops.refund(client, view.payment_id, RefundRequest(refund_id="re_one", amount=1000))
    await ops.refund(client, view.payment_id, RefundRequest(refund_id="re_two", amount=500))
    ledger = await open_refunds(settings.database())
    view = await ops.payment_view(client, view.payment_id, refunds=ledger)
    assert (view.status, view.amount_refunded) == (PaymentStatus.PARTIALLY_REFUNDED, 1500)
    assert steps(simulator.effects(view.payment_id)) == [
        "authorize",
        "capture",
        "refund",
        "refund",
    ]


async def test_repeated_refund_id_refunds_once(
    client: Client, settings: Settings, simulator: Simulator
) -> None:
    view = await pay(client, settings, amount=800)
    first = await ops.refund(client, view.payment_id, RefundRequest(refund_id="re_x", amount=300))
    again = await ops.refund(client, view.payment_id, RefundRequest(refund_id="re_x", amount=300))
    assert first == again
    assert steps(simulator.effects(view.payment_id)).count("refund") == 1


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ("decline", "generic_decline"),
        ("stolen", "stolen_card"),
        ("insufficient", "insufficient_funds"),
    ],
)
async def test_declines_fail_with_reason(
    client: Client, settings: Settings, simulator: Simulator, card: str, code: str
) -> None:
    view = await pay(client, settings, card=card)
    assert view.status is PaymentStatus.FAILED
    assert view.failure is not None and view.failure.code == code
    assert "capture" not in steps(simulator.effects(view.payment_id))


async def test_prepaid_card_short_of_funds_fails_at_balance_check(
    client: Client, settings: Settings, simulator: Simulator
) -> None:
    view = await pay(client, settings, card="prepaid5", amount=501)
    assert view.status is PaymentStatus.FAILED
    assert view.failure is not None and view.failure.code == "insufficient_funds"
    assert simulator.effects(view.payment_id) == []
    ok = await pay(client, settings, card="prepaid5", amount=500)
    assert ok.status is PaymentStatus.CAPTURED


async def test_cancel_voids_the_hold(
    client: Client, settings: Settings, simulator: Simulator
) -> None:
    view = await pay(client, settings, capture=CaptureMethod.MANUAL)
    view = await ops.cancel(client, view.payment_id)
    assert view.status is PaymentStatus.CANCELED
    assert steps(simulator.effects(view.payment_id)) == ["authorize", "void"]
    with pytest.raises(StateConflict):
        await ops.capture(client, view.payment_id, None)


async def test_illegal_amounts_are_rejected_before_history(
    client: Client, settings: Settings
) -> None:
    view = await pay(client, settings, amount=1000, capture=CaptureMethod.MANUAL)
    handle = client.get_workflow_handle(view.payment_id)
    before = len([e async for e in handle.fetch_history_events()])
    with pytest.raises(AmountRejected):
        await ops.capture(client, view.payment_id, 1001)
    with pytest.raises(StateConflict):
        await ops.refund(client, view.payment_id, RefundRequest(refund_id="re_early", amount=1))
    assert len([e async for e in handle.fetch_history_events()]) == before
    await ops.capture(client, view.payment_id, 1000)
    with pytest.raises(AmountRejected):
        await ops.refund(client, view.payment_id, RefundRequest(refund_id="re_big", amount=1001))


async def test_concurrent_refunds_never_exceed_captured(
    client: Client, settings: Settings, simulator: Simulator
) -> None:
    view = await pay(client, settings, amount=1000)
    attempts = [
        ops.refund(client, view.payment_id, RefundRequest(refund_id=f"re_c{i}", amount=300))
        for i in range(5)
    ]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    done = [r for r in results if not isinstance(r, Exception)]
    assert len(done) == 3
    assert all(isinstance(r, AmountRejected | StateConflict) for r in results if r not in done)
    refunded = sum(
        e["amount"] for e in simulator.effects(view.payment_id) if e["operation"] == "refund"
    )
    assert refunded == 900
