"""``ReconciliationWorkflow``: one reconciliation run, started by a Temporal Schedule or on demand.

Separate from ``PaymentWorkflow`` on purpose: payments' histories stay unchanged, and findings
are surfaced on this workflow's own record (``PaymentAttention``) and in the findings table.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from payments import search_attributes as sa
    from payments.reconcile import ReconcileInput, ReconcileReport

SCHEDULE_ID = "payments-reconciliation"


# Pinned on versioned workers (infra/deployment.py, VERSIONING_BEHAVIOR): each scheduled run
# starts on the current build and ends there within its one activity's budget (3 tries of at
# most 10 minutes), so a run never replays on new code and delays an old build's drain by half an
# hour at most; the schedule's next run starts on the new build.
@workflow.defn
class ReconciliationWorkflow:
    """Compare payments with ledgers once; report, never change money."""

    @workflow.run
    async def run(self, req: ReconcileInput) -> ReconcileReport:
        """Run the comparison and mark this run ``clean`` or with the kinds of findings."""
        report: ReconcileReport = await workflow.execute_activity(
            "reconcile",
            req,
            result_type=ReconcileReport,
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(minutes=1),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        workflow.upsert_search_attributes([sa.PAYMENT_ATTENTION.value_set(report.attention)])
        return report
