"""How a processor call's outcome leaves an activity: metrics, logs, ``ApplicationError``."""

from __future__ import annotations

import time
from contextvars import ContextVar
from datetime import timedelta

from temporalio import activity
from temporalio.exceptions import ApplicationError

from infra import metrics
from payments.errors import ErrorType
from processors.errors import ProcessorFailure

STEP_OVERRIDE: ContextVar[str | None] = ContextVar("step_override", default=None)
"""The step a processor call belongs to when it is not the activity's own (the balance check
inside authorize), so it is not counted as an authorization."""

IN_PROGRESS = ProcessorFailure(
    ErrorType.OUTCOME_UNKNOWN, "request_in_progress", "the processor is still on the request"
)


def to_application_error(failure: ProcessorFailure) -> ApplicationError:
    """Declines and bad requests stop retries; outages, 5xx and lost answers let Temporal retry.

    A processor's ``Retry-After`` sets the next attempt's delay (the policy's maximum attempts and
    the step's schedule-to-close timeout still bound the whole retry).
    """
    decline = failure.decline_code.value if failure.decline_code else ""
    wait = failure.retry_after
    return ApplicationError(
        failure.message,
        failure.code,
        decline,
        type=failure.error_type.value,
        non_retryable=not failure.error_type.retryable,
        next_retry_delay=timedelta(seconds=wait) if wait and failure.error_type.retryable else None,
    )


def observe(processor: str, started: float, failure: ProcessorFailure | None) -> None:
    """Latency per step and processor; authorization outcomes and decline codes."""
    step = STEP_OVERRIDE.get() or activity.info().activity_type
    outcome = "ok" if failure is None else "error" if failure.error_type.retryable else "declined"
    metrics.STEP_SECONDS.labels(step=step, processor=processor, outcome=outcome).observe(
        time.monotonic() - started
    )
    if step == "authorize":
        approved = "approved" if outcome == "ok" else outcome
        metrics.AUTHORIZATIONS.labels(processor=processor, outcome=approved).inc()
    if failure is not None and outcome == "declined":
        code = failure.decline_code or failure.code
        metrics.DECLINES.labels(processor=processor, code=code).inc()
    if failure is not None:
        activity.logger.info("%s refused: %s (%s)", processor, failure.code, failure.error_type)
