"""How each step runs: local or normal activity, timeouts and retries, in one table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

from payments.errors import non_retryable_error_types

R = TypeVar("R")

# Each processor call is bounded well below the start-to-close timeout by the HTTP client, so a
# crashed worker is detected within seconds, not minutes.
CALL_TIMEOUT = timedelta(seconds=10)


class StepName(StrEnum):
    """Activity-backed steps of a payment."""

    BALANCE = "balance"
    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"
    NOTIFY = "notify"


@dataclass(frozen=True)
class StepPolicy:
    """Where a step runs and how long it may keep trying."""

    local: bool
    schedule_to_close: timedelta
    max_interval: timedelta

    def retry(self) -> RetryPolicy:
        """Exponential backoff; declines and bad requests never retry."""
        return RetryPolicy(
            initial_interval=timedelta(seconds=1),
            backoff_coefficient=2.0,
            maximum_interval=self.max_interval,
            non_retryable_error_types=non_retryable_error_types(),
        )


POLICIES: dict[StepName, StepPolicy] = {
    # A customer is waiting: give up on the balance check after two minutes.
    StepName.BALANCE: StepPolicy(False, timedelta(minutes=2), timedelta(seconds=10)),
    # A customer is waiting, but an outage of a few minutes should not lose the sale.
    StepName.AUTHORIZE: StepPolicy(False, timedelta(minutes=5), timedelta(seconds=20)),
    # The customer's money is already held: keep trying for a day.
    StepName.CAPTURE: StepPolicy(False, timedelta(days=1), timedelta(minutes=1)),
    StepName.VOID: StepPolicy(False, timedelta(days=1), timedelta(minutes=1)),
    StepName.REFUND: StepPolicy(False, timedelta(days=1), timedelta(minutes=1)),
    # A merchant's endpoint may be down for hours; the payment never waits for it.
    StepName.NOTIFY: StepPolicy(False, timedelta(days=1), timedelta(minutes=10)),
}


def step_options(step: StepName) -> dict[str, Any]:
    """Timeouts and retry policy for ``step``."""
    policy = POLICIES[step]
    return {
        "start_to_close_timeout": CALL_TIMEOUT,
        "schedule_to_close_timeout": policy.schedule_to_close,
        "retry_policy": policy.retry(),
    }


async def run_step(step: StepName, activity: Callable[[Any, Any], Any], arg: Any) -> Any:
    """Execute ``activity`` as the policy table says (local or normal activity)."""
    options = step_options(step)
    if POLICIES[step].local:
        return await workflow.execute_local_activity_method(activity, arg, **options)
    return await workflow.execute_activity_method(activity, arg, **options)
