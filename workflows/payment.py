"""``PaymentWorkflow``: one durable state machine per payment."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from payments.errors import DeclineCode, decline_for
    from payments.models import (
        CancelRequest,
        CaptureMethod,
        CaptureRequest,
        Failure,
        PaymentRequest,
        PaymentView,
        Refund,
        RefundRequest,
    )
    from payments.state import PaymentState
    from payments.status import PaymentEvent, PaymentStatus
    from workflows import attempts, publish, steps, waits
    from workflows.authorization import Authorizer, Kind, Outcome
    from workflows.customer import CustomerUpdates
    from workflows.failures import failure_of


T = TypeVar("T")


# Pinned on versioned workers (infra/deployment.py, VERSIONING_BEHAVIOR): a payment runs start
# to finish on the build that started it, so new code needs no `patched` for it. A build's
# payments close at capture, cancel or expiry, so it drains within the authorization TTL (7 days,
# plus the authentication and another-card waits) and its workers can stop then. Auto-upgrade
# would move every open payment onto new code at its next task, making every change a patch the
# replay gate must prove (docs/changing-the-workflow.md).
@workflow.defn
class PaymentWorkflow(CustomerUpdates):
    """Balance check, authorize, then capture, cancel or expire; refunds until the window closes."""

    # A class attribute so the replay gate's deliberately changed copies (tests/replay) can swap
    # the authorization steps and nothing else.
    authorizer: type[Authorizer] = Authorizer

    @workflow.init
    def __init__(self, request: PaymentRequest) -> None:
        # Not workflow.now() (the first task's time, late if no worker ran): one creation time
        # everywhere, the API's acceptance time or else the start time visibility shows too.
        created = request.created_at or workflow.info().workflow_start_time
        self._s = PaymentState(request=request, created_at=created)
        self._lock = asyncio.Lock()
        self._notifications: list[asyncio.Task[object]] = []

    @workflow.run
    async def run(self, request: PaymentRequest) -> PaymentView:
        """Drive the payment to a terminal status, then wait for in-flight updates."""
        if await self._authorize():
            if request.capture_method is CaptureMethod.AUTOMATIC:
                await self._auto_capture()
            await waits.capture_or_expiry(self._s, lambda: self._locked(self._expire()))
            if not waits.settled(self._s):
                await waits.refund_window(self._s)
        await self._drain()
        # A refund update admitted while the webhooks went out finishes, and its own webhook is
        # sent, before the workflow closes (a settled payment only: the same answer as above,
        # which asks no patch of a patch-free payment; each ask of a new run is a billable upsert).
        if self._s.amount_captured and waits.settled(self._s):
            while not workflow.all_handlers_finished() or not all(
                n.done() for n in self._notifications
            ):
                await self._drain()
        return self._s.view()

    async def _drain(self) -> None:
        await workflow.wait_condition(workflow.all_handlers_finished)
        # Webhooks retry on their own schedule; the payment's status never waited for them.
        await asyncio.gather(*self._notifications, return_exceptions=True)

    @workflow.update
    async def confirm(self) -> PaymentView:
        """Wait until authorization (and automatic capture) has a result; for Update-with-Start."""
        await workflow.wait_condition(
            lambda: self._s.status is not PaymentStatus.PENDING and self._s.busy_with is None
        )
        return self._s.view()

    @workflow.query
    def view(self) -> PaymentView:
        """The full payment view: status, amounts, card facts, failure and transitions."""
        return self._s.view()

    # -- updates -------------------------------------------------------------------------------

    @workflow.update
    async def capture(self, req: CaptureRequest) -> PaymentView:
        """Capture all or part of an authorized payment."""
        amount = self._checked(lambda: self._s.check_capture(req))
        self._s.busy_with = PaymentEvent.CAPTURED
        await self._locked(self._capture(amount))
        return self._s.view()

    @capture.validator
    def _validate_capture(self, req: CaptureRequest) -> None:
        self._checked(lambda: self._s.check_capture(req))

    @workflow.update
    async def cancel(self, req: CancelRequest) -> PaymentView:
        """Void an authorized payment; a payment waiting for another card ends failed."""
        self._validate_cancel_request()
        if self._s.status is PaymentStatus.REQUIRES_PAYMENT_METHOD:
            return await self._abandon(req.reason)
        self._s.busy_with = PaymentEvent.CANCELED
        await self._locked(self._void(PaymentEvent.CANCELED, req.reason))
        return self._s.view()

    @cancel.validator
    def _validate_cancel(self, req: CancelRequest) -> None:
        self._validate_cancel_request()

    @workflow.update
    async def refund(self, req: RefundRequest) -> Refund:
        """Refund part or all of what was captured; a repeated refund id returns the first."""
        amount = self._checked(lambda: self._s.check_refund(req))
        if amount == 0:
            return self._s.refunds[req.refund_id]
        self._s.reserved[req.refund_id] = amount
        try:
            return await self._locked(self._refund(req, amount))
        finally:
            self._s.reserved.pop(req.refund_id, None)

    @refund.validator
    def _validate_refund(self, req: RefundRequest) -> None:
        self._checked(lambda: self._s.check_refund(req))

    # -- steps ---------------------------------------------------------------------------------

    async def _authorize(self) -> bool:
        outcome = await self._attempt()
        if attempts.wants_retry(self._s, outcome) and (
            waits.patch_free(self._s) or workflow.patched(attempts.RETRY_PATCH)
        ):
            outcome = await attempts.Retries(self._s, self._transition, self._attempt).run(outcome)
        if outcome.kind is not Kind.AUTHORIZED or outcome.auth is None:
            self._fail(outcome.event, outcome.code, outcome.detail)
            return False
        auth = outcome.auth
        self._s.processor = outcome.processor
        self._s.authorization_id = auth.authorization_id
        self._s.amount_authorized = auth.amount
        detail = f"authorization {auth.authorization_id} on {outcome.processor}"
        if self._s.request.retry_on_decline:
            detail += f" (attempt {self._s.attempt}, card ending {self._s.request.card.last4})"
        self._transition(PaymentEvent.AUTHORIZED, detail)
        return True

    async def _attempt(self) -> Outcome:
        return await attempts.authorize_card(self._s, self._transition, self.authorizer)

    async def _auto_capture(self) -> None:
        """A failed automatic capture leaves the payment authorized for an operator to capture."""
        self._s.busy_with = PaymentEvent.CAPTURED
        try:
            await self._locked(self._capture(self._s.amount_authorized))
        except FailureError:
            workflow.logger.warning("automatic capture failed for %s", self._s.request.payment_id)
            publish.upsert(self._s)  # the authorized status was not published while capture was due

    async def _capture(self, amount: int) -> None:
        try:
            result = await steps.capture(self._s, amount)
        except FailureError as err:
            await self._after_failed_settle(err)
            raise
        self._s.amount_captured = result.amount
        window = timedelta(seconds=self._s.request.options.refund_window_seconds)
        self._s.refundable_until = workflow.now() + window
        self._transition(PaymentEvent.CAPTURED, f"capture {result.capture_id}: {result.amount}")

    async def _void(self, event: PaymentEvent, reason: str | None = None) -> None:
        result = await steps.void(self._s)
        self._transition(event, reason or f"processor reports the hold {result.status}")

    async def _refund(self, req: RefundRequest, amount: int) -> Refund:
        result = await steps.refund(self._s, req.refund_id, amount)
        refund = Refund(
            refund_id=req.refund_id,
            processor_refund_id=result.processor_refund_id,
            amount=result.amount,
            reason=req.reason,
            at=workflow.now(),
        )
        self._s.record_refund(refund, workflow.now())
        self._after_transition()
        return refund

    async def _after_failed_settle(self, err: FailureError) -> None:
        """A capture the processor refuses because the hold lapsed ends the payment expired."""
        _, code, _ = failure_of(err)
        if code == DeclineCode.AUTHORIZATION_EXPIRED:
            self._s.failure = Failure(code=code, message=decline_for(code).merchant_message)
            self._transition(PaymentEvent.EXPIRED, "processor reports the hold expired")

    # -- waiting -------------------------------------------------------------------------------

    async def _expire(self) -> None:
        if self._s.status is PaymentStatus.AUTHORIZED:
            await self._void(PaymentEvent.EXPIRED, "authorization window elapsed; hold released")

    # -- helpers -------------------------------------------------------------------------------

    async def _locked(self, step: Awaitable[T]) -> T:
        """Run one money-moving step at a time; ``busy_with`` is cleared whatever happens."""
        try:
            async with self._lock:
                return await step
        finally:
            self._s.busy_with = None

    def _fail(self, event: PaymentEvent, code: str, message: str) -> None:
        self._s.failure = Failure(code=code, message=decline_for(code).merchant_message)
        self._transition(event, f"{code}: {message}")

    def _transition(self, event: PaymentEvent, detail: str) -> None:
        self._s.apply(event, workflow.now(), detail)
        self._after_transition()

    def _after_transition(self) -> None:
        webhook = publish.after_transition(self._s)
        if webhook is not None:
            self._notifications.append(webhook)
