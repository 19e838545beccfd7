"""How each step runs: local or normal activity, timeouts and retries, in one table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

from payments.errors import non_retryable_error_types

# Each processor call is bounded well below the start-to-close timeout by the HTTP client, so a
# crashed worker is detected within seconds, not minutes.
CALL_TIMEOUT = timedelta(seconds=10)


class StepName(StrEnum):
    """Activity-backed steps of a payment."""

    ROUTE = "route"
    BALANCE = "balance"
    AUTHORIZE = "authorize"
    INQUIRE = "inquire"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"
    NOTIFY = "notify"
    AUTHENTICATE = "authenticate"
    CONFIRM_AUTHENTICATION = "confirm_authentication"


@dataclass(frozen=True)
class StepPolicy:
    """Where a step runs and how long it may keep trying."""

    local: bool
    schedule_to_close: timedelta
    max_interval: timedelta
    max_attempts: int = 0
    """0 lets Temporal retry until ``schedule_to_close``; 1 leaves retries to the workflow."""

    def retry(self) -> RetryPolicy:
        """Exponential backoff; declines and bad requests never retry."""
        return RetryPolicy(
            initial_interval=timedelta(seconds=1),
            backoff_coefficient=2.0,
            maximum_interval=self.max_interval,
            maximum_attempts=self.max_attempts,
            non_retryable_error_types=non_retryable_error_types(),
        )


# Local or normal (measured with make bench, see README "Performance"). A local activity runs
# inside the workflow task: no activity events, no matching round trip, about 1.6x the
# throughput; but it cannot be cancelled mid-call, it re-runs if the workflow task is retried,
# and once its backoff exceeds a minute each retry is a timer and a marker in history. The
# idempotency keys make a re-run safe either way, so the choice is about retry budgets:
POLICIES: dict[StepName, StepPolicy] = {
    # Local: reads this worker's breaker board, in-process, no I/O. Older histories only: new
    # payments carry their processor order in the request (patch lean-payment).
    StepName.ROUTE: StepPolicy(True, timedelta(seconds=10), timedelta(seconds=1)),
    # Local: read-only, a customer is waiting; after four attempts (about 7 s of backoff) the
    # next processor is tried. Bounded by attempts: a local activity's schedule-to-close was
    # seen not to stop its retries while the workflow task heartbeats. Older histories only:
    # new payments check the balance inside the authorize activity (AuthorizeInput.check_balance).
    StepName.BALANCE: StepPolicy(True, timedelta(seconds=30), timedelta(seconds=4), 4),
    # Normal, one attempt per call: the workflow counts attempts per processor, records each,
    # and chooses between retrying, asking the processor, and failing over. Not local: a local
    # activity's attempt is recorded only when its workflow task completes, so a crash in
    # between forgot that a hold was placed, and the re-run could route to another processor
    # and authorize twice (found by make chaos). A scheduled activity is in history first.
    StepName.AUTHORIZE: StepPolicy(False, timedelta(seconds=20), timedelta(seconds=5), 1),
    # Normal: until the processor answers, an effect may exist, so this may retry for a long
    # time; server-side retries write nothing to history until the outcome.
    StepName.INQUIRE: StepPolicy(False, timedelta(minutes=5), timedelta(seconds=10)),
    # Normal: the customer's money is already held, so keep trying for a day. As a local
    # activity a day-long outage would write ~1,400 retry timers into history; server-side
    # retries write nothing until the outcome and show as a pending activity meanwhile.
    StepName.CAPTURE: StepPolicy(False, timedelta(days=1), timedelta(minutes=1)),
    StepName.VOID: StepPolicy(False, timedelta(days=1), timedelta(minutes=1)),
    StepName.REFUND: StepPolicy(False, timedelta(days=1), timedelta(minutes=1)),
    # Normal, on the processor's queue: 3-D Secure moves no money, and a customer is waiting, so
    # a minute of retries, then the payment fails (nothing was charged).
    StepName.AUTHENTICATE: StepPolicy(False, timedelta(minutes=1), timedelta(seconds=5)),
    StepName.CONFIRM_AUTHENTICATION: StepPolicy(False, timedelta(minutes=1), timedelta(seconds=5)),
    # A merchant's endpoint may be down for hours; the payment never waits for it.
    StepName.NOTIFY: StepPolicy(False, timedelta(days=1), timedelta(minutes=10)),
}


PROCESSOR_QUEUES_PATCH = "per-processor-task-queues"
"""Patch id: from it on, a processor's calls run on that processor's own task queue."""

# Normal activities that call one processor: each goes to that processor's task queue, whose
# server-side rate limit holds across every worker (docs/processors.md, "Rate limits"). Balance
# is local (it runs inside the workflow task, on no queue) and stays under each worker's bucket.
PROCESSOR_STEPS = frozenset(
    {StepName.AUTHORIZE, StepName.INQUIRE, StepName.CAPTURE, StepName.VOID, StepName.REFUND,
     StepName.AUTHENTICATE, StepName.CONFIRM_AUTHENTICATION}
)  # fmt: skip


def processor_task_queue(task_queue: str, processor: str) -> str:
    """The activity task queue of ``processor``'s calls for workflows on ``task_queue``."""
    return f"{task_queue}-processor-{processor}"


def step_options(step: StepName, within: timedelta | None = None) -> dict[str, Any]:
    """Timeouts and retry policy for ``step``; ``within`` overrides its schedule-to-close."""
    policy = POLICIES[step]
    return {
        "start_to_close_timeout": CALL_TIMEOUT,
        "schedule_to_close_timeout": within or policy.schedule_to_close,
        "retry_policy": policy.retry(),
    }


async def run_step(
    step: StepName,
    activity: Callable[..., Any],
    *args: Any,
    within: timedelta | None = None,
    processor: str | None = None,
    patch_free: bool = False,
) -> Any:
    """Execute ``activity`` as the policy table says (local or normal activity).

    A normal activity calling ``processor`` goes to that processor's task queue, except in
    histories from before the patch, which scheduled it on the workflow's own queue.
    ``patch_free`` (``workflows.waits.patch_free``): the payment is newer than the patch.
    """
    options = step_options(step, within)
    if POLICIES[step].local:
        return await workflow.execute_local_activity_method(activity, *args, **options)
    if (
        processor is not None
        and step in PROCESSOR_STEPS
        and (patch_free or workflow.patched(PROCESSOR_QUEUES_PATCH))
    ):
        options["task_queue"] = processor_task_queue(workflow.info().task_queue, processor)
    return await workflow.execute_activity_method(activity, *args, **options)
