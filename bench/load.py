"""Drive one mix of workflows at a fixed concurrency and time each one."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from bench.api_load import ApiEdge, post_payment
from bench.baseline import BaselineWorkflow
from bench.baseline_io import BaselineInput
from facade import operations as ops
from payments.ids import new_payment_id, refund_workflow_id
from payments.models import CaptureMethod, CardFacts, PaymentRequest, RefundRequest
from payments.money import Currency, Money
from payments.status import PaymentEvent, PaymentStatus

AMOUNT = 100  # 1.00 USD: thousands of payments fit in one test card's credit limit
WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class Sample:
    """One payment's timings in seconds from its start; ``to_authorized`` may be None."""

    workflow_id: str
    to_authorized: float | None
    to_captured: float
    related: tuple[str, ...] = ()
    """Other workflows the payment may have run (a refund workflow), summed into its cost; one
    that never started is skipped (``bench.history.payment_figures``)."""


@dataclass
class MixResult:
    """What one round of one mix produced."""

    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0


BENCH_MERCHANT = "merchant_bench"
"""Every bench payment's merchant, and so the owner of the bench's card tokens."""


@dataclass(frozen=True)
class Target:
    """Where to send work: the client, both task queues, the tokenized cards and the API."""

    client: Client
    task_queue: str
    baseline_queue: str
    cards: list[CardFacts]
    api: ApiEdge | None = None
    processors: tuple[str, ...] = ()
    """The processor order each payment records (``Settings.processor_order``)."""


One = Callable[[Target, int], Awaitable[Sample]]


def _request(t: Target, i: int, capture: CaptureMethod) -> PaymentRequest:
    return PaymentRequest(
        payment_id=new_payment_id(),
        merchant_id=BENCH_MERCHANT,
        amount=Money(amount=AMOUNT, currency=Currency.USD),
        capture_method=capture,
        card=t.cards[i % len(t.cards)],
        processors=t.processors,
    )


async def auto_payment(t: Target, i: int) -> Sample:
    """Balance, authorize and automatic capture, answered by Update-with-Start."""
    req, t0 = _request(t, i, CaptureMethod.AUTOMATIC), time.time()
    view = await ops.start_payment(
        t.client, req, task_queue=t.task_queue, wait_seconds=WAIT_SECONDS
    )
    done = time.time()
    if view.status is not PaymentStatus.CAPTURED:
        raise RuntimeError(f"{req.payment_id} ended {view.status.value}, expected captured")
    auth = next(tr.at for tr in view.transitions if tr.event is PaymentEvent.AUTHORIZED)
    return Sample(req.payment_id, auth.timestamp() - t0, done - t0)


async def api_payment(t: Target, i: int) -> Sample:
    """The automatic payment as a merchant sends it: one POST with the raw card."""
    if t.api is None:
        raise RuntimeError("the api mix needs the API started (bench.api_load.api_edge)")
    payment_id, seconds = await post_payment(t.api, i, AMOUNT)
    return Sample(payment_id, None, seconds)


async def manual_payment(t: Target, i: int) -> Sample:
    """Authorize, then a capture Update, then a full refund Update."""
    req, t0 = _request(t, i, CaptureMethod.MANUAL), time.time()
    view = await ops.start_payment(
        t.client, req, task_queue=t.task_queue, wait_seconds=WAIT_SECONDS
    )
    authorized = time.time()
    if view.status is not PaymentStatus.AUTHORIZED:
        raise RuntimeError(f"{req.payment_id} ended {view.status.value}, expected authorized")
    await ops.capture(t.client, req.payment_id, None)
    captured = time.time()
    refund = RefundRequest(refund_id=f"re_{uuid.uuid4().hex[:16]}")
    await ops.refund(t.client, req.payment_id, refund)
    # Checked only for the sampled histories, not here: a describe per payment would load the run.
    refund_wf = refund_workflow_id(req.payment_id, refund.refund_id)
    return Sample(req.payment_id, authorized - t0, captured - t0, (refund_wf,))


async def baseline_auto(t: Target, i: int) -> Sample:
    """The bare workflow: started, then waited on until it completes."""
    wf_id, t0 = f"bench_{uuid.uuid4().hex}", time.time()
    handle = await t.client.start_workflow(
        BaselineWorkflow.run,
        BaselineInput(payment_id=wf_id, amount=AMOUNT),
        id=wf_id,
        task_queue=t.baseline_queue,
    )
    result = await handle.result()
    return Sample(wf_id, result.authorized_at.timestamp() - t0, time.time() - t0)


async def baseline_manual(t: Target, i: int) -> Sample:
    """The bare workflow through the manual mix's calls: Update-with-Start, two Updates."""
    wf_id, t0 = f"bench_{uuid.uuid4().hex}", time.time()
    start = WithStartWorkflowOperation(
        BaselineWorkflow.run,
        BaselineInput(payment_id=wf_id, amount=AMOUNT, manual=True),
        id=wf_id,
        task_queue=t.baseline_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    await t.client.execute_update_with_start_workflow(
        BaselineWorkflow.confirm, start_workflow_operation=start
    )
    authorized = time.time()
    handle = t.client.get_workflow_handle_for(BaselineWorkflow.run, wf_id)
    await handle.execute_update(BaselineWorkflow.capture)
    captured = time.time()
    await handle.execute_update(BaselineWorkflow.refund)
    return Sample(wf_id, authorized - t0, captured - t0)


MIXES: dict[str, One] = {
    "baseline": baseline_auto,
    "auto": auto_payment,
    "baseline-manual": baseline_manual,
    "manual": manual_payment,
    "api": api_payment,
}


async def run_mix(t: Target, mix: str, count: int, concurrency: int) -> MixResult:
    """Run ``count`` workflows of ``mix`` with ``concurrency`` in flight (closed loop)."""
    one, result, next_i = MIXES[mix], MixResult(), iter(range(count))

    async def lane() -> None:
        for i in next_i:
            try:
                result.samples.append(await one(t, i))
            except Exception as exc:  # a failed workflow is reported, not fatal
                result.errors.append(f"{type(exc).__name__}: {exc}"[:200])

    started = time.monotonic()
    await asyncio.gather(*(lane() for _ in range(min(concurrency, count))))
    result.wall_seconds = time.monotonic() - started
    return result
