"""Payment operations on a Temporal client: start, read, capture, cancel, refund, list.

Shared by the API, the CLI, the bench and the chaos harness; refusals come back as domain
errors (``facade.errors``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.service import RPCError, RPCStatusCode

from facade.errors import UNREACHABLE, StartUnconfirmed, as_payment_error, guard
from facade.fairness import merchant_priority
from facade.refunds import refund_closed
from payments import search_attributes as sa
from payments.authentication import AuthenticationAnswer
from payments.errors import StateConflict
from payments.models import (
    CancelRequest,
    CaptureRequest,
    CardFacts,
    PaymentRequest,
    PaymentView,
    Refund,
    RefundRequest,
)
from payments.public import visible_status
from payments.refunds import MadeRefunds, with_refunds
from payments.retry import NewPaymentMethod
from payments.status import PaymentStatus
from workflows.payment import PaymentWorkflow

__all__ = [
    "UNREACHABLE",
    "StartUnconfirmed",
    "cancel",
    "capture",
    "initial_search_attributes",
    "list_payments",
    "payment_view",
    "refund",
    "start_payment",
]


def initial_search_attributes(req: PaymentRequest) -> TypedSearchAttributes:
    """Set at start so the payment is findable before its first transition. No status: a new
    payment publishes one only when it needs attention (``workflows.publish.ATTENTION``)."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa.PAYMENT_MERCHANT, req.merchant_id),
            SearchAttributePair(sa.PAYMENT_CURRENCY, req.amount.currency.value),
            SearchAttributePair(sa.PAYMENT_AMOUNT, req.amount.amount),
        ]
    )


async def start_payment(
    client: Client,
    req: PaymentRequest,
    *,
    task_queue: str,
    wait_seconds: float,
    id_reuse_policy: WorkflowIDReusePolicy = WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    fair: bool = True,
) -> PaymentView:
    """Start the workflow and wait (bounded) for the authorization result in one round trip.

    The API passes ``REJECT_DUPLICATE``: its payment ids derive from idempotency keys, so a
    closed payment with the id must never get a second run. After ``wait_seconds`` the
    payment's view is queried (only a live worker answers). Its tasks carry the merchant as
    fairness key (``facade.fairness``) unless ``fair`` is False.

    Raises:
        StartUnconfirmed: Temporal has no such workflow yet; the same start again is safe.
    """
    start = WithStartWorkflowOperation(
        PaymentWorkflow.run,
        req,
        id=req.payment_id,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=id_reuse_policy,
        search_attributes=initial_search_attributes(req),
        priority=merchant_priority(req.merchant_id, fair=fair),
    )
    update = client.execute_update_with_start_workflow(
        PaymentWorkflow.confirm, start_workflow_operation=start
    )
    try:
        return await asyncio.wait_for(update, timeout=wait_seconds)
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        # Cancelled by the timeout, the SDK may raise its own error instead of TimeoutError.
        pass
    try:
        return await _handle(client, req.payment_id).query(PaymentWorkflow.view)
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise as_payment_error(exc) from None
    # Not "no such payment": our own start has not reached Temporal yet, and still may.
    raise StartUnconfirmed(f"the start of {req.payment_id} is not confirmed yet")


def _handle(client: Client, payment_id: str) -> WorkflowHandle[Any, PaymentView]:
    # Not get_workflow_handle_for: mypy cannot type its method argument (PaymentWorkflow.run).
    return client.get_workflow_handle(payment_id, result_type=PaymentView)


async def payment_view(
    client: Client, payment_id: str, *, refunds: MadeRefunds | None
) -> PaymentView:
    """The payment's current view: a closed workflow's result (no worker needed), joined with
    ``refunds``' refunds made after it closed; an open one's ``view`` Query.

    ``refunds`` is required so that no caller forgets the ledger: None reads the workflow alone,
    which misses every refund of a closed payment.
    """
    handle = _handle(client, payment_id)
    desc = await guard(handle.describe(), handle)
    if desc.status == WorkflowExecutionStatus.COMPLETED:
        final = await guard(handle.result(), handle)
        return with_refunds(final, await refunds.for_payment(payment_id)) if refunds else final
    return await guard(handle.query(PaymentWorkflow.view), handle)


async def capture(
    client: Client, payment_id: str, amount: int | None, *, update_id: str | None = None
) -> PaymentView:
    """Capture all (``amount`` None) or part of an authorized payment.

    A repeated ``update_id`` attaches to the first capture instead of asking again.
    """
    handle = _handle(client, payment_id)
    req = CaptureRequest(amount=amount)
    return await guard(handle.execute_update(PaymentWorkflow.capture, req, id=update_id), handle)


async def cancel(
    client: Client, payment_id: str, reason: str | None = None, *, update_id: str | None = None
) -> PaymentView:
    """Void an authorized payment (a repeated ``update_id`` attaches to the first cancel)."""
    handle = _handle(client, payment_id)
    req = CancelRequest(reason=reason)
    return await guard(handle.execute_update(PaymentWorkflow.cancel, req, id=update_id), handle)


async def answer_challenge(client: Client, payment_id: str, challenge_id: str) -> PaymentView:
    """The customer is back from a 3-D Secure challenge; the payment asks its processor."""
    handle = _handle(client, payment_id)
    answer = AuthenticationAnswer(challenge_id=challenge_id)
    return await guard(handle.execute_update(PaymentWorkflow.answer_challenge, answer), handle)


async def attach_payment_method(
    client: Client, payment_id: str, card: CardFacts, *, update_id: str | None = None
) -> PaymentView:
    """Another card for a payment in ``requires_payment_method``; its attempt's result.

    A repeated ``update_id`` attaches to the first request instead of trying again."""
    handle = _handle(client, payment_id)
    new = NewPaymentMethod(card=card)
    call = handle.execute_update(PaymentWorkflow.attach_payment_method, new, id=update_id)
    return await guard(call, handle)


async def refund(
    client: Client, payment_id: str, req: RefundRequest, *, ledger: MadeRefunds | None = None
) -> Refund:
    """Refund part or all of a captured payment; the refund id makes a retry safe.

    A payment whose workflow still runs (older histories wait out their refund window) refunds
    through its update; a closed one through a ``RefundWorkflow`` (``facade.refunds``), checked
    first against its result joined with ``ledger``'s refunds, when given.
    """
    handle = _handle(client, payment_id)
    desc = await guard(handle.describe(), handle)
    if desc.status == WorkflowExecutionStatus.RUNNING:
        try:
            return await handle.execute_update(PaymentWorkflow.refund, req, id=req.refund_id)
        except WorkflowUpdateFailedError as exc:
            raise as_payment_error(exc) from None
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise as_payment_error(exc) from None
        # It closed between the describe and the update: refund the closed payment instead.
        desc = await guard(handle.describe(), handle)
    if desc.status != WorkflowExecutionStatus.COMPLETED:
        raise StateConflict(f"payment {payment_id} cannot be refunded")
    return await refund_closed(client, handle, req, task_queue=desc.task_queue, ledger=ledger)


async def list_payments(
    client: Client, *, statuses: list[PaymentStatus] | None, limit: int
) -> list[tuple[str, str]]:
    """(payment id, workflow status) pairs from Temporal visibility, newest first."""
    query = "WorkflowType = 'PaymentWorkflow'"
    if statuses is not None:
        query += f" AND ({status_filter(statuses)})"
    rows: list[tuple[str, str]] = []
    async for wf in client.list_workflows(query, limit=limit):
        attr = wf.typed_search_attributes.get(sa.PAYMENT_STATUS)
        running = wf.status == WorkflowExecutionStatus.RUNNING
        rows.append((wf.id, visible_status(attr, running=running)))
    return rows


def status_filter(statuses: list[PaymentStatus]) -> str:
    """A visibility condition for ``statuses``; new payments publish no status while pending,
    authorized or captured (``payments.public.visible_status``), so those also match by
    execution status."""
    values = ", ".join(f"'{s.value}'" for s in statuses) or "''"
    terms = [f"PaymentStatus IN ({values})"]
    if PaymentStatus.CAPTURED in statuses:
        terms.append("(PaymentStatus IS NULL AND ExecutionStatus = 'Completed')")
    if PaymentStatus.PENDING in statuses or PaymentStatus.AUTHORIZED in statuses:
        terms.append("(PaymentStatus IS NULL AND ExecutionStatus = 'Running')")
    return " OR ".join(terms)
