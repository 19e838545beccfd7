"""Riding out an outage of the card vault's database inside the workflow.

The balance and authorize activities read the card from the vault before they call the
processor, so a ``StoreUnavailable`` failure proves the processor was never called: it is not
the processor's fault, must not count against its attempts or trigger a failover, and must not
fail the payment. The workflow waits (a durable timer) and runs the step again, for up to
``PATIENCE`` per step; a longer outage then fails the step as never sent (processor unavailable:
tried again, then failed over, then failed, with nothing charged).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from payments.errors import ErrorType

T = TypeVar("T")
# Longer than a database restart or a standby's promotion; a customer may be waiting, but a
# payment failed for our own database's outage would be worse than a late answer.
PATIENCE = timedelta(minutes=5)
_LONGEST_PAUSE = timedelta(seconds=30)


def store_was_down(err: FailureError) -> bool:
    """True when the step failed because the vault's database could not be reached."""
    cause = err.cause if isinstance(err, ActivityError) else err
    return isinstance(cause, ApplicationError) and cause.type == ErrorType.STORE_UNAVAILABLE


async def patiently(step: Callable[[], Awaitable[T]]) -> T:
    """Run ``step``; while it fails only because the vault's database is down, wait and retry."""
    give_up = workflow.now() + PATIENCE
    pause = timedelta(seconds=1)
    while True:
        try:
            return await step()
        except FailureError as err:
            if not store_was_down(err) or workflow.now() + pause > give_up:
                raise
        await workflow.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)
