"""Payment operations on a Temporal client, shared by the CLI and the demo."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
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
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from payments import search_attributes as sa
from payments.cards import RawCard
from payments.errors import (
    AmountRejected,
    ErrorType,
    NotFound,
    PaymentError,
    StateConflict,
    TemporalUnavailable,
)
from payments.keyring import load_keyring
from payments.models import (
    CancelRequest,
    CaptureRequest,
    CardFacts,
    PaymentRequest,
    PaymentView,
    Refund,
    RefundRequest,
)
from payments.public import stored_status_word
from payments.settings import Settings
from payments.status import PaymentStatus
from payments.vault import CardVault
from processors.registry import opened
from processors.tokenize import tokenize
from workflows.payment import PaymentWorkflow

T = TypeVar("T")


# RPC outcomes that say nothing about the payment, only that Temporal was not reached in time.
UNREACHABLE = frozenset(
    {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED}
)


def _as_payment_error(exc: BaseException) -> PaymentError:
    cause = exc.cause if isinstance(exc, WorkflowUpdateFailedError) else exc
    if isinstance(cause, ApplicationError):
        if cause.type == ErrorType.AMOUNT_TOO_LARGE:
            return AmountRejected(cause.message, param="amount")
        return StateConflict(cause.message)
    if isinstance(exc, RPCError) and exc.status == RPCStatusCode.NOT_FOUND:
        return NotFound("no such payment")
    if isinstance(exc, RPCError) and exc.status in UNREACHABLE:
        return TemporalUnavailable(f"Temporal did not answer ({exc.status.name}); retry later")
    return PaymentError(str(cause))


async def _guard(call: Awaitable[T], handle: WorkflowHandle[Any, Any]) -> T:
    try:
        return await call
    except (WorkflowUpdateFailedError, RPCError) as exc:
        error = _as_payment_error(exc)
    if isinstance(error, NotFound):
        # Updates on a finished workflow answer NOT_FOUND; say what the payment became instead.
        try:
            desc = await handle.describe()
        except RPCError:
            raise error from None
        status = stored_status_word(desc.typed_search_attributes.get(sa.PAYMENT_STATUS))
        raise StateConflict(f"payment {handle.id} is {status} and can no longer change") from None
    raise error


async def tokenize_card(settings: Settings, raw: RawCard, *, merchant_id: str) -> CardFacts:
    """Validate, CVC-check (at the first processor that answers) and vault a card.

    Only the token and display facts come back; the token can pay only for ``merchant_id``.
    """
    keyring = load_keyring(settings.resolved_vault_key_file())
    vault = CardVault(settings.resolved_vault_db(), keyring)
    endpoints = settings.resolved_processors()
    async with opened(endpoints, timeout_seconds=settings.processor_timeout_seconds) as held:
        card = await tokenize(
            raw, processors=list(held.values()), vault=vault, today=_today(),
            merchant_id=merchant_id,
        )  # fmt: skip
    return CardFacts(
        token=card.token,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
    )


def _today() -> date:
    return datetime.now(UTC).date()


def initial_search_attributes(req: PaymentRequest) -> TypedSearchAttributes:
    """Set at start so the payment is findable before its first transition."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa.PAYMENT_STATUS, PaymentStatus.PENDING.value),
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
) -> PaymentView:
    """Start the workflow and wait (bounded) for the authorization result in one round trip.

    The API passes ``REJECT_DUPLICATE``: its payment ids derive from idempotency keys, so a
    closed payment with the id must never get a second run.
    """
    start = WithStartWorkflowOperation(
        PaymentWorkflow.run,
        req,
        id=req.payment_id,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=id_reuse_policy,
        search_attributes=initial_search_attributes(req),
    )
    update = client.execute_update_with_start_workflow(
        PaymentWorkflow.confirm, start_workflow_operation=start
    )
    try:
        return await asyncio.wait_for(update, timeout=wait_seconds)
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        # Cancelled by the timeout, the SDK may raise its own error instead of TimeoutError.
        return await payment_view(client, req.payment_id)


async def payment_view(client: Client, payment_id: str) -> PaymentView:
    """The payment's current view (works for open and closed workflows)."""
    handle = client.get_workflow_handle_for(PaymentWorkflow.run, payment_id)
    return await _guard(handle.query(PaymentWorkflow.view), handle)


async def capture(
    client: Client, payment_id: str, amount: int | None, *, update_id: str | None = None
) -> PaymentView:
    """Capture all (``amount`` None) or part of an authorized payment.

    A repeated ``update_id`` attaches to the first capture instead of asking again.
    """
    handle = client.get_workflow_handle_for(PaymentWorkflow.run, payment_id)
    req = CaptureRequest(amount=amount)
    return await _guard(handle.execute_update(PaymentWorkflow.capture, req, id=update_id), handle)


async def cancel(
    client: Client, payment_id: str, reason: str | None = None, *, update_id: str | None = None
) -> PaymentView:
    """Void an authorized payment (a repeated ``update_id`` attaches to the first cancel)."""
    handle = client.get_workflow_handle_for(PaymentWorkflow.run, payment_id)
    req = CancelRequest(reason=reason)
    return await _guard(handle.execute_update(PaymentWorkflow.cancel, req, id=update_id), handle)


async def refund(client: Client, payment_id: str, req: RefundRequest) -> Refund:
    """Refund part or all of a captured payment; the refund id makes a retry safe."""
    handle = client.get_workflow_handle_for(PaymentWorkflow.run, payment_id)
    return await _guard(
        handle.execute_update(PaymentWorkflow.refund, req, id=req.refund_id), handle
    )


async def list_payments(
    client: Client, *, statuses: list[PaymentStatus] | None, limit: int
) -> list[tuple[str, str]]:
    """(payment id, workflow status) pairs from Temporal visibility, newest first."""
    query = "WorkflowType = 'PaymentWorkflow'"
    if statuses is not None:
        values = ", ".join(f"'{s.value}'" for s in statuses)
        query += f" AND PaymentStatus IN ({values})"
    rows: list[tuple[str, str]] = []
    async for wf in client.list_workflows(query, limit=limit):
        rows.append((wf.id, wf.typed_search_attributes.get(sa.PAYMENT_STATUS) or "?"))
    return rows
