"""Build B of the rolling deploy: a deliberately changed ``PaymentWorkflow``, no patch.

Registered under the real workflow name, it starts with a short timer the current code never
schedules (so no history recorded by build A replays on it) and marks every transition it makes
with ``BUILD_B_MARK``, so a payment's view says which build moved it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from payments.models import PaymentRequest, PaymentView
    from payments.status import PaymentEvent
    from workflows.payment import PaymentWorkflow

BUILD_B_MARK = "[build B]"


@workflow.defn(name="PaymentWorkflow")
class ChangedPaymentWorkflow(PaymentWorkflow):
    """An incompatible change made without ``workflow.patched``: safe only because payments are
    pinned (the worker's ``VERSIONING_BEHAVIOR``)."""

    @workflow.run
    async def run(self, request: PaymentRequest) -> PaymentView:
        """A new first command (a timer), then the payment as before."""
        await workflow.sleep(timedelta(milliseconds=10))
        return await super().run(request)

    def _transition(self, event: PaymentEvent, detail: str) -> None:
        super()._transition(event, f"{detail} {BUILD_B_MARK}")
