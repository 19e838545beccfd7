"""Issue 16's budget on real histories: a new automatic payment costs at most 4 billable
actions, a manual one (authorize, then the ``capture`` update) at most 6.

Real server, real worker, real simulator; the request carries the processor order as the API
and CLI build it (``Settings.processor_order``).
"""

from __future__ import annotations

from datetime import date

from temporalio.client import Client, WorkflowExecutionStatus

from bench.history import event_kinds
from cli.testcards import card_number
from facade import operations as ops
from facade.tokenize import tokenize_card
from infra.actions import billable_actions
from infra.settings import Settings
from payments import search_attributes as sa
from payments.cards import RawCard
from payments.ids import new_payment_id
from payments.models import CaptureMethod, PaymentOptions, PaymentRequest
from payments.money import Currency, Money
from payments.status import PaymentStatus

AUTOMATIC_BUDGET = 4
MANUAL_BUDGET = 6


async def _request(settings: Settings, capture: CaptureMethod) -> PaymentRequest:
    raw = RawCard(card_number("visa"), 12, date.today().year + 2, "123")
    return PaymentRequest(
        payment_id=new_payment_id(),
        merchant_id="merchant_test",
        amount=Money(amount=1200, currency=Currency.USD),
        capture_method=capture,
        card=await tokenize_card(settings, raw, merchant_id="merchant_test"),
        options=PaymentOptions(refund_window_seconds=3600),
        processors=settings.processor_order(),
    )


async def _actions(client: Client, payment_id: str) -> tuple[int, dict[str, int]]:
    history = await client.get_workflow_handle(payment_id).fetch_history()
    print(f"{payment_id}: {billable_actions(history.events)} actions")  # shown with -s
    return billable_actions(history.events), event_kinds(history.events)


async def test_an_automatic_payment_costs_four_actions_and_closes(
    client: Client, settings: Settings, worker: None
) -> None:
    req = await _request(settings, CaptureMethod.AUTOMATIC)
    view = await ops.start_payment(client, req, task_queue=settings.task_queue, wait_seconds=60)
    assert view.status is PaymentStatus.CAPTURED
    handle = client.get_workflow_handle(req.payment_id)
    await handle.result()  # the workflow ends once the money moved, without waiting out a window
    desc = await handle.describe()
    assert desc.status is WorkflowExecutionStatus.COMPLETED
    # Nothing needed attention: no status was published (the read model has it).
    assert desc.typed_search_attributes.get(sa.PAYMENT_STATUS) is None
    actions, kinds = await _actions(client, req.payment_id)
    assert actions <= AUTOMATIC_BUDGET, str(kinds)


async def test_a_manual_payment_costs_six_actions_with_its_capture(
    client: Client, settings: Settings, worker: None
) -> None:
    req = await _request(settings, CaptureMethod.MANUAL)
    view = await ops.start_payment(client, req, task_queue=settings.task_queue, wait_seconds=60)
    assert view.status is PaymentStatus.AUTHORIZED
    captured = await ops.capture(client, req.payment_id, None)
    assert captured.status is PaymentStatus.CAPTURED
    handle = client.get_workflow_handle(req.payment_id)
    await handle.result()
    actions, kinds = await _actions(client, req.payment_id)
    assert actions <= MANUAL_BUDGET, str(kinds)
