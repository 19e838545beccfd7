"""Drive ``PaymentWorkflow`` against the fakes, and remember every transition it made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from facade import operations as ops
from payments.errors import StateConflict
from payments.models import PaymentRequest, PaymentView, Refund, RefundRequest
from payments.refunds import with_refunds
from payments.status import PaymentEvent, PaymentStatus
from stores.refunds import RefundLedger
from tests.workflows.fakes import FakeProcessors, Script
from workflows.payment import PaymentWorkflow

Step = tuple[PaymentStatus, PaymentEvent]


class Tier:
    """Start, update and read payments; every view passing through here is recorded."""

    def __init__(
        self, env: WorkflowEnvironment, fake: FakeProcessors, task_queue: str, ledger: RefundLedger
    ) -> None:
        """Payments go to ``task_queue``, where the tier's worker runs the fakes; refunds of
        closed payments are booked in ``ledger``."""
        self.env = env
        self.client = env.client
        self.fake = fake
        self.task_queue = task_queue
        self.ledger = ledger
        self.skew = timedelta(0)
        """How far the refund ledger's clock runs ahead of the wall clock (``now``)."""
        self.seen: set[Step] = set()
        self.windows_closed = 0
        """Refund windows seen closed: an old payment's workflow waited its window out, or the
        ledger refused a closed payment's refund because its window had passed."""

    def now(self) -> datetime:
        """The refund activity's clock: the wall clock plus ``skew``."""
        return datetime.now(UTC) + self.skew

    async def _joined(self, view: PaymentView) -> PaymentView:
        """``view`` with the refunds booked after its workflow closed, as readers show it."""
        return with_refunds(view, await self.ledger.for_payment(view.payment_id))

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
        return self._record(await self._joined(await handle.result()))

    async def view(self, payment_id: str) -> PaymentView:
        """The current view (query), with the ledger's refunds once the workflow closed."""
        return self._record(
            await self._joined(await ops.payment_view(self.client, payment_id, refunds=None))
        )

    async def capture(self, payment_id: str, amount: int | None = None) -> PaymentView:
        """Capture update."""
        return self._record(await ops.capture(self.client, payment_id, amount))

    async def cancel(self, payment_id: str) -> PaymentView:
        """Cancel update."""
        return self._record(await ops.cancel(self.client, payment_id))

    async def refund(self, payment_id: str, refund_id: str, amount: int | None = None) -> Refund:
        """Refund (update or ``RefundWorkflow``), then the view it left (recorded)."""
        req = RefundRequest(refund_id=refund_id, amount=amount)
        try:
            refund = await ops.refund(self.client, payment_id, req, ledger=self.ledger)
        except StateConflict as exc:
            if "refund window" in exc.message:
                self.windows_closed += 1
            raise
        await self.view(payment_id)
        return refund

    async def history_length(self, payment_id: str) -> int:
        """Events in the payment's history so far."""
        return len([e async for e in self._handle(payment_id).fetch_history_events()])

    def _handle(self, payment_id: str) -> WorkflowHandle[PaymentWorkflow, PaymentView]:
        return self.client.get_workflow_handle_for(PaymentWorkflow.run, payment_id)
