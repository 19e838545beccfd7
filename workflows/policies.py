"""Timeouts and retry policies for each activity, in one place."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.common import RetryPolicy

from payments.errors import non_retryable_error_types

# Each processor call is bounded well below the start-to-close timeout by the HTTP client, so a
# crashed worker is detected within seconds, not minutes.
CALL_TIMEOUT = timedelta(seconds=10)


def _retry(max_interval: timedelta) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=max_interval,
        non_retryable_error_types=non_retryable_error_types(),
    )


BALANCE: dict[str, Any] = {
    "start_to_close_timeout": CALL_TIMEOUT,
    "schedule_to_close_timeout": timedelta(minutes=2),
    "retry_policy": _retry(timedelta(seconds=10)),
}
"""A customer is waiting: give up on the balance check after two minutes."""

AUTHORIZE: dict[str, Any] = {
    "start_to_close_timeout": CALL_TIMEOUT,
    "schedule_to_close_timeout": timedelta(minutes=5),
    "retry_policy": _retry(timedelta(seconds=20)),
}
"""A customer is waiting, but an outage of a few minutes should not lose the sale."""

SETTLE: dict[str, Any] = {
    "start_to_close_timeout": CALL_TIMEOUT,
    "schedule_to_close_timeout": timedelta(days=1),
    "retry_policy": _retry(timedelta(minutes=1)),
}
"""Capture, void and refund: the customer's money is already held, so keep trying for a day."""
