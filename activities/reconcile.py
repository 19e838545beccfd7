"""The reconciliation activity: read payments from Temporal and effects from each ledger, compare.

It reads only: payment views (workflow result when closed, the ``view`` query when open) and
each processor's effects and ledger check through the ``Processor`` Protocol (as far as its
declared capabilities go). Findings go to the run folder's SQLite file for operators.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus

from infra import metrics
from payments import search_attributes as sa
from payments.models import PaymentView
from payments.public import IN_PROGRESS, visible_status
from payments.reconcile import (
    Finding,
    FindingKind,
    ReconcileInput,
    ReconcileReport,
    compare_payment,
    ledger_findings,
    stuck,
)
from payments.refunds import MadeRefunds, with_refunds
from processors.capabilities import Capability
from processors.protocol import Processor
from stores.findings import FindingStore

Effects = dict[str, list[dict[str, Any]]]
_QUERY_TIMEOUT = timedelta(seconds=5)


def visibility_query(req: ReconcileInput, now: datetime) -> str:
    """Payments started within the look-back window (and on the task queue, if given)."""
    since = (now - timedelta(seconds=req.lookback_seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = f"WorkflowType = 'PaymentWorkflow' AND StartTime > '{since}'"
    if req.task_queue:
        query += f" AND TaskQueue = '{req.task_queue}'"
    return query


async def read_view(client: Client, wf: WorkflowExecution, refunds: MadeRefunds) -> PaymentView:
    """The result of a completed payment (no replay needed) joined with the refunds made after
    it closed, else the ``view`` query."""
    handle = client.get_workflow_handle(wf.id, run_id=wf.run_id, result_type=PaymentView)
    if wf.status == WorkflowExecutionStatus.COMPLETED:
        result: PaymentView = await handle.result()
        return with_refunds(result, await refunds.for_payment(wf.id))
    view: PaymentView = await handle.query(
        "view", result_type=PaymentView, rpc_timeout=_QUERY_TIMEOUT
    )
    return view


def _publish(
    payments: list[WorkflowExecution], report: ReconcileReport, read: Mapping[str, str]
) -> None:
    """Payments by status and currency, and findings by kind, as Prometheus gauges.

    ``read`` holds the statuses of the views read: a closed lean payment publishes no status
    (visibility would say captured even after a partial refund), so its view's word wins.
    """
    metrics.set_payments(
        (
            read.get(wf.id)
            or visible_status(
                wf.typed_search_attributes.get(sa.PAYMENT_STATUS),
                running=wf.status == WorkflowExecutionStatus.RUNNING,
            ),
            wf.typed_search_attributes.get(sa.PAYMENT_CURRENCY) or "unknown",
        )
        for wf in payments
    )
    codes = (wf.typed_search_attributes.get(sa.PAYMENT_FAILURE_CODE) for wf in payments)
    metrics.set_failures(c for c in codes if c)
    metrics.set_findings((f.kind.value for f in report.findings), (k.value for k in FindingKind))


class ReconcileActivities:
    """Reads every processor's books and Temporal visibility; writes findings."""

    def __init__(
        self, *, processors: Mapping[str, Processor], store: FindingStore, refunds: MadeRefunds
    ) -> None:
        """``processors`` maps processor name to its adapter; ``refunds`` is the refund ledger."""
        self._processors = dict(processors)
        self._store = store
        self._refunds = refunds

    async def _ledgers(self, since: datetime) -> tuple[dict[str, Effects], list[Finding]]:
        """Each processor's effects since ``since`` by payment id, and its invariant findings."""
        by_processor: dict[str, Effects] = {}
        findings: list[Finding] = []
        for name, processor in self._processors.items():
            if not processor.capabilities.has(Capability.EFFECTS_REPORT):
                continue  # nothing to compare with: no finding either way
            effects: Effects = defaultdict(list)
            for e in await processor.effects_since(since):
                effects[e.payment_id or ""].append(e.model_dump(mode="json"))
            by_processor[name] = effects
            if processor.capabilities.has(Capability.LEDGER_CHECK):
                check = await processor.ledger_check()
                findings += ledger_findings(name, check.model_dump(mode="json"))
        return by_processor, findings

    async def _check(
        self,
        wf: WorkflowExecution,
        req: ReconcileInput,
        ledgers: dict[str, Effects],
        now: datetime,
        read: dict[str, str],
    ) -> list[Finding]:
        attrs = wf.typed_search_attributes
        merchant, published = attrs.get(sa.PAYMENT_MERCHANT), attrs.get(sa.PAYMENT_STATUS)
        running = wf.status == WorkflowExecutionStatus.RUNNING

        def late(status: str) -> list[Finding]:
            found = stuck(wf.id, merchant, status, wf.start_time, now, req.stuck_after_seconds)
            return [] if found is None or not running else [found]

        if published is not None and late(published):
            return late(published)
        try:
            view = await read_view(activity.client(), wf, self._refunds)
        except Exception as exc:  # any failure to read is itself a finding
            # A new payment publishes no pending status: unanswered, it may be stuck anyway.
            detail = f"view unreadable: {type(exc).__name__}"
            kind = FindingKind.UNREADABLE
            unread = [Finding(kind=kind, payment_id=wf.id, merchant_id=merchant, detail=detail)]
            return (late(IN_PROGRESS) if published is None else []) or unread
        read[wf.id] = view.status.value
        if published is None and late(view.status.value):
            return late(view.status.value)  # the view tells pending from authorized
        last = view.transitions[-1].at if view.transitions else view.created_at
        if view.status.value in ("pending", "outcome_unknown") or (
            now - last < timedelta(seconds=req.settle_seconds)
        ):
            return []  # still moving: the ledger may legitimately be ahead of the payment
        return compare_payment(view, {n: e.get(wf.id, []) for n, e in ledgers.items()})

    @activity.defn(name="reconcile")
    async def reconcile(self, req: ReconcileInput) -> ReconcileReport:
        """Compare every payment in scope with every ledger; store and return the findings."""
        now = datetime.now(UTC)
        ledgers, findings = await self._ledgers(now - timedelta(seconds=req.lookback_seconds))
        payments = [wf async for wf in activity.client().list_workflows(visibility_query(req, now))]
        limit, read = asyncio.Semaphore(10), dict[str, str]()

        async def one(wf: WorkflowExecution) -> list[Finding]:
            async with limit:
                activity.heartbeat(wf.id)
                return await self._check(wf, req, ledgers, now, read)

        for found in await asyncio.gather(*(one(wf) for wf in payments)):
            findings += found
        info = activity.info()
        report = ReconcileReport(
            run_id=f"{info.workflow_id}/{info.workflow_run_id}",
            at=now,
            payments_checked=len(payments),
            findings=findings,
        )
        await self._store.save(report)
        _publish(payments, report, read)
        activity.logger.info(
            "reconciliation checked %d payments: %s", len(payments), report.attention
        )
        return report
