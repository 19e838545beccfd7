"""Issue 16's fairness: a payment's and a refund's tasks carry the merchant as fairness key.

Real dev server (fairness on, as on every server the project starts), real worker and simulator.
The key is set at the workflow's start (``facade.fairness``): the start event records it, and
activities inherit it without recording it in their own scheduled events, so the worker's
activities report the key each task arrived with (``activity.info().priority``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.client import Interceptor as ClientInterceptor
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from cli.testcards import card_number
from facade import operations as ops
from facade.tokenize import tokenize_card
from infra.settings import Settings
from payments.cards import RawCard
from payments.ids import new_payment_id, refund_workflow_id
from payments.models import PaymentRequest, RefundRequest
from payments.money import Currency, Money
from payments.status import PaymentStatus
from worker import build_worker, worker_http


class KeySpy(ClientInterceptor, Interceptor):
    """Records (activity type, fairness key) of every activity task the worker runs."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        """Wrap every activity in a recorder."""
        seen = self.seen

        class Recorder(ActivityInboundInterceptor):
            async def execute_activity(self, input: ExecuteActivityInput) -> Any:
                info = activity.info()
                seen.append((info.activity_type, info.priority.fairness_key))
                return await super().execute_activity(input)

        return Recorder(next)


@pytest.fixture
async def spy(client: Client, settings: Settings) -> AsyncIterator[KeySpy]:
    """The real worker, on a client whose interceptor its workers inherit."""
    keys = KeySpy()
    config = client.config()
    config["interceptors"] = [keys]
    async with worker_http(settings) as http, build_worker(Client(**config), settings, http):
        yield keys


async def _request(settings: Settings, merchant: str) -> PaymentRequest:
    raw = RawCard(card_number("visa"), 12, date.today().year + 2, "123")
    return PaymentRequest(
        payment_id=new_payment_id(), merchant_id=merchant,
        amount=Money(amount=1200, currency=Currency.USD),
        card=await tokenize_card(settings, raw, merchant_id=merchant),
        processors=settings.processor_order(),
    )  # fmt: skip


async def _start_key(client: Client, workflow_id: str) -> str:
    """The fairness key in the workflow's start event ("" for none)."""
    async for event in client.get_workflow_handle(workflow_id).fetch_history_events():
        assert event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
        return event.workflow_execution_started_event_attributes.priority.fairness_key
    raise AssertionError(f"{workflow_id} has no history")


async def test_a_payments_tasks_carry_its_merchant(
    client: Client, settings: Settings, spy: KeySpy
) -> None:
    req = await _request(settings, "merchant_fair_a")
    view = await ops.start_payment(client, req, task_queue=settings.task_queue, wait_seconds=60)
    assert view.status is PaymentStatus.CAPTURED
    assert await _start_key(client, req.payment_id) == "merchant_fair_a"
    # authorize and capture ran on the processor's rate-limited queue, keyed by inheritance.
    assert sorted(spy.seen) == [("authorize", "merchant_fair_a"), ("capture", "merchant_fair_a")]


async def test_a_refunds_tasks_carry_the_payments_merchant(
    client: Client, settings: Settings, spy: KeySpy
) -> None:
    req = await _request(settings, "merchant_fair_b")
    view = await ops.start_payment(client, req, task_queue=settings.task_queue, wait_seconds=60)
    await client.get_workflow_handle(req.payment_id).result()  # closed: a RefundWorkflow refunds
    spy.seen.clear()
    refund = await ops.refund(client, view.payment_id, RefundRequest(refund_id="re_fair_b"))
    assert refund.amount == 1200
    refund_id = refund_workflow_id(req.payment_id, "re_fair_b")
    assert await _start_key(client, refund_id) == "merchant_fair_b"
    assert spy.seen == [("refund_closed_payment", "merchant_fair_b")]


async def test_without_fairness_no_task_carries_a_key(
    client: Client, settings: Settings, spy: KeySpy
) -> None:
    """The bench's comparison (``fair=False``) really sends keyless tasks."""
    req = await _request(settings, "merchant_fair_c")
    view = await ops.start_payment(
        client, req, task_queue=settings.task_queue, wait_seconds=60, fair=False
    )
    assert view.status is PaymentStatus.CAPTURED
    assert await _start_key(client, req.payment_id) == ""
    assert {key for _, key in spy.seen} == {None}
