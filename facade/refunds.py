"""Refunds of payments whose workflow has closed: checked here, made by ``RefundWorkflow``.

A payment still running (an older history waiting out its refund window) refunds through its
``refund`` update as before; ``facade.operations.refund`` picks the path by describing it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ActivityError, ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError

from facade.errors import as_payment_error, guard, refusal
from facade.fairness import merchant_priority
from payments.errors import AmountRejected, PaymentError, StateConflict
from payments.ids import refund_workflow_id
from payments.models import PaymentRequest, PaymentView, Refund, RefundRequest
from payments.public import public_status
from payments.refund_order import RefundOrder
from payments.refunds import MadeRefunds, with_refunds
from payments.status import PaymentStatus
from workflows.refund import RefundWorkflow


def precheck(view: PaymentView, req: RefundRequest, now: datetime) -> Refund | None:
    """The refund already made under ``req``'s id, or None if ``req`` may go ahead.

    A cheap, early answer from the settled view; the ledger decides for good.

    Raises:
        StateConflict: Nothing captured, or the refund window closed.
        AmountRejected: More than is left to refund.
    """
    done = next((r for r in view.refunds if r.refund_id == req.refund_id), None)
    if done is not None:
        return done
    if view.status not in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
        word = public_status(view.status, view.capture_method).value
        raise StateConflict(f"a payment whose status is {word} cannot be refunded")
    if view.refundable_until is None or now > view.refundable_until:
        raise StateConflict("the refund window for this payment has closed")
    left = view.amount_captured - view.amount_refunded
    amount = left if req.amount is None else req.amount
    if amount <= 0 or amount > left:
        raise AmountRejected(f"refund of {amount} exceeds the refundable {left}", param="amount")
    return None


async def refund_closed(
    client: Client,
    handle: WorkflowHandle[Any, PaymentView],
    req: RefundRequest,
    *,
    task_queue: str,
    ledger: MadeRefunds | None = None,
) -> Refund:
    """Refund part or all of the closed payment behind ``handle`` with a ``RefundWorkflow``."""
    result = await guard(handle.result(), handle)
    view = result
    if ledger is not None:
        view = with_refunds(result, await ledger.for_payment(result.payment_id))
    done = precheck(view, req, datetime.now(UTC))
    if done is not None:
        return done
    order = await _order(client, handle, result, req)
    return await _run(client, order, task_queue)


async def _order(
    client: Client, handle: WorkflowHandle[Any, PaymentView], view: PaymentView, req: RefundRequest
) -> RefundOrder:
    """The refund's order from the payment's result (``view``, without ledger refunds)."""
    assert view.processor and view.authorization_id and view.refundable_until
    # A refund update can still land while the closing workflow sends its webhooks: the ledger
    # may refund only what the workflow itself left.
    left = view.amount_captured - view.amount_refunded
    notify = (await _request(client, handle)).notify
    return RefundOrder(
        payment_id=view.payment_id, merchant_id=view.merchant_id, refund_id=req.refund_id,
        amount=req.amount, reason=req.reason, currency=view.currency, processor=view.processor,
        authorization_id=view.authorization_id, captured=left,
        refundable_until=view.refundable_until, notify=notify, view=view if notify else None,
    )  # fmt: skip


async def _request(client: Client, handle: WorkflowHandle[Any, PaymentView]) -> PaymentRequest:
    """The payment's own input (its first event), read from history: no worker needed."""
    async for event in handle.fetch_history_events():
        payloads = event.workflow_execution_started_event_attributes.input.payloads
        [request] = await client.data_converter.decode(payloads, [PaymentRequest])
        assert isinstance(request, PaymentRequest)
        return request
    raise StateConflict(f"payment {handle.id} has no history")


async def _run(client: Client, order: RefundOrder, task_queue: str) -> Refund:
    """Start (or join) the refund's workflow and wait for its result: a long poll, no action."""
    workflow_id = refund_workflow_id(order.payment_id, order.refund_id)
    try:
        handle = await client.start_workflow(
            RefundWorkflow.run, order, id=workflow_id, task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            priority=merchant_priority(order.merchant_id),
        )  # fmt: skip
    except WorkflowAlreadyStartedError:
        # It ran and closed already: its result (or refusal) is this refund's answer.
        handle = client.get_workflow_handle_for(RefundWorkflow.run, workflow_id)
    except RPCError as exc:
        raise as_payment_error(exc) from None
    try:
        return await handle.result()
    except WorkflowFailureError as exc:
        raise _error(exc) from None
    except RPCError as exc:
        raise as_payment_error(exc) from None


def _error(exc: WorkflowFailureError) -> PaymentError:
    cause = exc.cause.cause if isinstance(exc.cause, ActivityError) else exc.cause
    if isinstance(cause, ApplicationError) and len(cause.details) >= 3:
        return refusal(cause)
    return PaymentError(cause.message if isinstance(cause, ApplicationError) else str(exc))
