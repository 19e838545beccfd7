"""The bare baseline: a workflow with the payment's activities, same kinds, doing nothing.

Its activities are registered under their own names on their own task queue and run with the
options of ``workflows.policies`` (local or normal, timeouts, retries) at the time of the run,
so the only difference from a payment is the payment's own work.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import activity, workflow

# Passed through like the payment's imports, so the sandbox does not rebuild the pydantic
# models for every workflow run (that would make the baseline unfairly slow).
with workflow.unsafe.imports_passed_through():
    from bench.baseline_io import BaselineInput, BaselineResult, StepInput, StepResult
    from workflows.policies import StepName, run_step


class BaselineActivities:
    """No-op activities named apart from the product's so the two never share a queue."""

    @activity.defn(name="bench_route")
    async def route(self, req: StepInput) -> StepResult:
        """Do nothing."""
        return StepResult(ref=req.step)

    @activity.defn(name="bench_balance")
    async def balance(self, req: StepInput) -> StepResult:
        """Do nothing."""
        return StepResult(ref=req.step)

    @activity.defn(name="bench_authorize")
    async def authorize(self, req: StepInput) -> StepResult:
        """Do nothing."""
        return StepResult(ref=req.step)

    @activity.defn(name="bench_capture")
    async def capture(self, req: StepInput) -> StepResult:
        """Do nothing."""
        return StepResult(ref=req.step)

    @activity.defn(name="bench_refund")
    async def refund(self, req: StepInput) -> StepResult:
        """Do nothing."""
        return StepResult(ref=req.step)

    def all(self) -> list[object]:
        """Every activity, for worker registration."""
        return [self.route, self.balance, self.authorize, self.capture, self.refund]


@workflow.defn(name="BenchBaseline")
class BaselineWorkflow:
    """Balance, authorize, capture; manual mode waits for capture and refund updates."""

    @workflow.init
    def __init__(self, req: BaselineInput) -> None:
        self._req = req
        self._authorized_at: datetime | None = None
        self._capture_asked = False
        self._refund_asked = False
        self._captured = False
        self._done = False

    @workflow.run
    async def run(self, req: BaselineInput) -> BaselineResult:
        """Run the steps; in manual mode wait for the updates in between."""
        await self._step(StepName.ROUTE, BaselineActivities.route)
        await self._step(StepName.BALANCE, BaselineActivities.balance)
        await self._step(StepName.AUTHORIZE, BaselineActivities.authorize)
        self._authorized_at = workflow.now()
        if req.manual:
            await workflow.wait_condition(lambda: self._capture_asked)
        await self._step(StepName.CAPTURE, BaselineActivities.capture)
        captured_at = workflow.now()
        self._captured = True
        if req.manual:
            await workflow.wait_condition(lambda: self._refund_asked)
            await self._step(StepName.REFUND, BaselineActivities.refund)
        self._done = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        return BaselineResult(authorized_at=self._authorized_at, captured_at=captured_at)

    @workflow.update
    async def confirm(self) -> str:
        """Answer once authorized, like the payment's Update-with-Start."""
        await workflow.wait_condition(lambda: self._authorized_at is not None)
        return "authorized"

    @workflow.update
    async def capture(self) -> str:
        """Let the workflow capture, and wait until it has (as the payment's update does)."""
        self._capture_asked = True
        await workflow.wait_condition(lambda: self._captured)
        return "captured"

    @workflow.update
    async def refund(self) -> str:
        """Let the workflow refund, and wait until it has."""
        self._refund_asked = True
        await workflow.wait_condition(lambda: self._done)
        return "refunded"

    async def _step(self, step: StepName, fn: object) -> None:
        arg = StepInput(payment_id=self._req.payment_id, step=step.value, amount=self._req.amount)
        await run_step(step, fn, arg)  # type: ignore[arg-type]
