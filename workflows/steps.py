"""The payment's activity calls, each with its idempotency key; called from the workflow only."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.notify import NotifyActivities
    from activities.payment import PaymentActivities
    from payments.activity_io import (
        AuthorizeInput,
        AuthorizeResult,
        BalanceCheckInput,
        BalanceCheckResult,
        CaptureInput,
        CaptureResult,
        InquireInput,
        Inquiry,
        RefundInput,
        RefundResult,
        RouteResult,
        VoidInput,
        VoidResult,
    )
    from payments.ids import Step, idempotency_key
    from payments.state import PaymentState
    from payments.status import PaymentEvent
    from payments.webhooks import event_for
    from workflows.policies import StepName, run_step, step_options
    from workflows.store_outage import patiently
    from workflows.waits import patch_free

# The processor keeps a hold a day longer than the workflow's timer, so the workflow's own
# void always comes first and the outcome is recorded as expired by us, not discovered later.
HOLD_MARGIN_SECONDS = 86400


async def route() -> RouteResult:
    """Processors in the order this worker's breakers advise."""
    result: RouteResult = await run_step(StepName.ROUTE, PaymentActivities.route)
    return result


async def check_balance(s: PaymentState, processor: str) -> BalanceCheckResult:
    """How much the card can spend at ``processor``."""
    req = s.request
    arg = BalanceCheckInput(
        processor=processor,
        payment_id=req.payment_id,
        card_token=req.card.token,
        currency=req.amount.currency,
    )
    result: BalanceCheckResult = await patiently(
        lambda: run_step(StepName.BALANCE, PaymentActivities.check_balance, arg)
    )
    return result


def authorize_key(s: PaymentState) -> str:
    """The authorization's idempotency key (the same on every processor and retry); after a
    3-D Secure authentication, a key of its own (the first answer, ``authentication_required``,
    stays stored under the first); each card of a ``retry_on_decline`` payment, its own too."""
    return idempotency_key(s.request.payment_id, Step.AUTHORIZE, s.keyed(s.authentication_id))


async def authorize(
    s: PaymentState, processor: str, *, check_balance: bool = False
) -> AuthorizeResult:
    """One attempt to place the hold at ``processor`` (first checking the card's balance there,
    if ``check_balance``: new payments run no separate balance activity)."""
    req = s.request
    arg = AuthorizeInput(
        processor=processor,
        idempotency_key=authorize_key(s),
        payment_id=req.payment_id,
        merchant_id=req.merchant_id,
        card_token=req.card.token,
        amount=req.amount,
        hold_ttl_seconds=req.options.authorization_ttl_seconds + HOLD_MARGIN_SECONDS,
        processor_payment_method=req.processor_payment_method,
        authentication_id=s.authentication_id,
        check_balance=check_balance,
    )
    result: AuthorizeResult = await patiently(
        lambda: run_step(
            StepName.AUTHORIZE,
            PaymentActivities.authorize,
            arg,
            processor=processor,
            patch_free=patch_free(s),
        )
    )
    return result


async def inquire(s: PaymentState, processor: str, within: timedelta) -> Inquiry:
    """Ask ``processor`` what became of the authorization request."""
    arg = InquireInput(processor=processor, idempotency_key=authorize_key(s))
    result: Inquiry = await run_step(
        StepName.INQUIRE,
        PaymentActivities.inquire,
        arg,
        within=within,
        processor=processor,
        patch_free=patch_free(s),
    )
    return result


def _holder(s: PaymentState) -> tuple[str, str]:
    assert s.processor is not None and s.authorization_id is not None, "no authorization"
    return s.processor, s.authorization_id


async def capture(s: PaymentState, amount: int) -> CaptureResult:
    """Post ``amount`` of the hold, at the processor that holds it."""
    processor, auth_id = _holder(s)
    arg = CaptureInput(
        processor=processor,
        idempotency_key=idempotency_key(s.request.payment_id, Step.CAPTURE),
        payment_id=s.request.payment_id,
        authorization_id=auth_id,
        amount=amount,
    )
    result: CaptureResult = await run_step(
        StepName.CAPTURE,
        PaymentActivities.capture,
        arg,
        processor=processor,
        patch_free=patch_free(s),
    )
    return result


async def void(s: PaymentState) -> VoidResult:
    """Release the hold, at the processor that holds it."""
    processor, auth_id = _holder(s)
    arg = VoidInput(
        processor=processor,
        idempotency_key=idempotency_key(s.request.payment_id, Step.VOID),
        payment_id=s.request.payment_id,
        authorization_id=auth_id,
    )
    result: VoidResult = await run_step(
        StepName.VOID,
        PaymentActivities.void,
        arg,
        processor=processor,
        patch_free=patch_free(s),
    )
    return result


async def refund(s: PaymentState, refund_id: str, amount: int) -> RefundResult:
    """Return ``amount`` under refund ``refund_id``'s own key, at the capturing processor."""
    processor, auth_id = _holder(s)
    payment_id = s.request.payment_id
    arg = RefundInput(
        processor=processor,
        idempotency_key=idempotency_key(payment_id, Step.REFUND, refund_id),
        payment_id=payment_id,
        refund_id=refund_id,
        authorization_id=auth_id,
        amount=amount,
    )
    result: RefundResult = await run_step(
        StepName.REFUND,
        PaymentActivities.refund,
        arg,
        processor=processor,
        patch_free=patch_free(s),
    )
    return result


def notify(s: PaymentState, event: PaymentEvent) -> asyncio.Task[object]:
    """Start delivering the webhook for ``event``; the caller does not wait for it."""
    hook = event_for(s.view(), event, seq=len(s.transitions), at=workflow.now())
    return workflow.start_activity_method(
        NotifyActivities.notify, hook, **step_options(StepName.NOTIFY)
    )
