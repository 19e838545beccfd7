"""Create or update the Temporal Schedule that runs ``ReconciliationWorkflow`` periodically."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from infra.settings import Settings
from payments.reconcile import ReconcileInput, ReconcileReport
from workflows.reconciliation import SCHEDULE_ID, ReconciliationWorkflow

log = logging.getLogger("payments.reconciliation")


def reconcile_input(settings: Settings) -> ReconcileInput:
    """A run's scope from settings: every payment, with the configured thresholds."""
    return ReconcileInput(
        stuck_after_seconds=settings.stuck_after_seconds,
        settle_seconds=settings.reconcile_settle_seconds,
    )


def _schedule(settings: Settings) -> Schedule:
    action = ScheduleActionStartWorkflow(
        ReconciliationWorkflow.run,
        reconcile_input(settings),
        id="reconcile",  # the schedule appends the scheduled time
        task_queue=settings.task_queue,
    )
    every = timedelta(seconds=settings.reconcile_interval_seconds)
    return Schedule(
        action=action,
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        # A slow run is never overlapped by the next: two runs would report the same findings.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_schedule(client: Client, settings: Settings) -> None:
    """Create the schedule, or bring an existing one to the current settings (idempotent)."""
    if settings.reconcile_interval_seconds == 0:
        return
    schedule = _schedule(settings)
    try:
        await client.create_schedule(SCHEDULE_ID, schedule)
        log.info("reconciliation schedule created, every %ds", settings.reconcile_interval_seconds)
    except ScheduleAlreadyRunningError:

        def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(SCHEDULE_ID).update(replace)


async def reconcile_now(
    client: Client, settings: Settings, req: ReconcileInput | None = None
) -> ReconcileReport:
    """Run one reconciliation now and wait for its report (``starter.py reconcile``)."""
    result: ReconcileReport = await client.execute_workflow(
        ReconciliationWorkflow.run,
        req or reconcile_input(settings),
        id=f"reconcile-now-{uuid.uuid4().hex[:12]}",
        task_queue=settings.task_queue,
    )
    return result
