"""Drive ``PaymentWorkflow`` against the fakes, and remember every transition it made."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from facade import operations as ops
from payments.models import PaymentRequest, PaymentView, Refund, RefundRequest
from payments.status import PaymentEvent, PaymentStatus
from tests.workflows.fakes import FakeProcessors, Script
from workflows.payment import PaymentWorkflow

Step = tuple[PaymentStatus, PaymentEvent]


class Tier:
    """Start, update and read payments; every view passing through here is recorded."""

    def __init__(self, env: WorkflowEnvironment, fake: FakeProcessors, task_queue: str) -> None:
        """Payments go to ``task_queue``, where the tier's worker runs the fakes."""
        self.env = env
        self.client = env.client
        self.fake = fake
        self.task_queue = task_queue
        self.seen: set[Step] = set()
        self.windows_closed = 0
        """Payments that ended with money captured: their refund window closed."""

    def _record(self, view: PaymentView) -> PaymentView:
        self.seen.update((t.from_status, t.event) for t in view.transitions)
        return view

    async def start(
        self, req: PaymentRequest, script: Script | None = None, *, skip_time: bool = True
    ) -> PaymentView:
        """Start the payment and wait for its confirmation (as the API and CLI do).

        ``skip_time`` lets the server jump over every timer once nothing is in flight; a test
        that sends updates to an authorized payment turns it off, or the hold would expire at
        once, and moves time itself with ``forward``.
        """
        self.fake.script(req.payment_id, script)
        start = ops.start_payment(self.client, req, task_queue=self.task_queue, wait_seconds=30)
        if skip_time:
            return self._record(await start)
        with self.env.with_time_skipping_disabled():
            return self._record(await start)

    async def run(self, req: PaymentRequest, script: Script | None = None) -> PaymentView:
        """Start the payment without waiting on it, skip time to its end, and its final view.

        Nothing waits on an update meanwhile, so the server skips every timer (an update in
        flight, such as the API's confirmation, counts as work and holds the clock).
        """
        self.fake.script(req.payment_id, script)
        handle = await self.client.start_workflow(
            PaymentWorkflow.run,
            req,
            id=req.payment_id,
            task_queue=self.task_queue,
            search_attributes=ops.initial_search_attributes(req),
        )
        return self._record(await handle.result())

    async def forward(self, payment_id: str, duration: timedelta) -> None:
        """Move one payment's clock by ``duration``."""
        await self.env.fast_forward(self._handle(payment_id), duration)

    async def result(self, payment_id: str) -> PaymentView:
        """Skip time until the payment's workflow ends, and its final view."""
        handle = self._handle(payment_id)
        try:
            await self.env.fast_forward(handle, None)
        except RPCError as err:
            if err.status is not RPCStatusCode.NOT_FOUND:  # it ended already: nothing to skip
                raise
        final = self._record(await handle.result())
        if final.status in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
            self.windows_closed += 1
        return final

    async def view(self, payment_id: str) -> PaymentView:
        """The current view (query)."""
        return self._record(await ops.payment_view(self.client, payment_id))

    async def capture(self, payment_id: str, amount: int | None = None) -> PaymentView:
        """Capture update."""
        return self._record(await ops.capture(self.client, payment_id, amount))

    async def cancel(self, payment_id: str) -> PaymentView:
        """Cancel update."""
        return self._record(await ops.cancel(self.client, payment_id))

    async def refund(self, payment_id: str, refund_id: str, amount: int | None = None) -> Refund:
        """Refund update, then the view it left (recorded)."""
        req = RefundRequest(refund_id=refund_id, amount=amount)
        refund = await ops.refund(self.client, payment_id, req)
        await self.view(payment_id)
        return refund

    async def history_length(self, payment_id: str) -> int:
        """Events in the payment's history so far."""
        return len([e async for e in self._handle(payment_id).fetch_history_events()])

    def _handle(self, payment_id: str) -> WorkflowHandle[PaymentWorkflow, PaymentView]:
        return self.client.get_workflow_handle_for(PaymentWorkflow.run, payment_id)
