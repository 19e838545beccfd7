"""The payment's long waits: the authorization's lifetime and the refund window."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from payments.state import PaymentState
    from payments.status import PaymentEvent, PaymentStatus


async def capture_or_expiry(s: PaymentState, expire: Callable[[], Awaitable[None]]) -> None:
    """Wait while authorized; when the authorization's time is up and nothing is under way,
    mark the payment busy expiring and run ``expire``."""
    ttl = timedelta(seconds=s.request.options.authorization_ttl_seconds)
    deadline = workflow.now() + ttl
    while s.status is PaymentStatus.AUTHORIZED:
        remaining = deadline - workflow.now()
        try:
            await workflow.wait_condition(
                lambda: s.status is not PaymentStatus.AUTHORIZED,
                timeout=max(remaining, timedelta(seconds=1)),
            )
        except TimeoutError:
            # A capture or cancel under way decides the outcome; expire only when idle.
            if workflow.now() >= deadline and s.busy_with is None:
                s.busy_with = PaymentEvent.EXPIRED
                await expire()


LEAN_PATCH = "lean-payment"
"""Patch id: the payment spends only the billable actions its money needs (docs/cost.md). Its
workflow closes once the money has moved (later refunds run as short refund workflows), and
authorization runs no local activities. Older histories wait out the refund window open."""


def patch_free(s: PaymentState) -> bool:
    """True if the request itself proves the payment is newer than every patch in the workflow.

    Only current callers record the processor order (``PaymentRequest.processors``; absent from
    every older history), so such a payment takes every patched branch without asking: each
    ``workflow.patched`` call of a new run records an upsert of ``TemporalChangeVersion`` (the
    SDK's), a billable action that a payment's budget (docs/cost.md) has no room for.
    """
    return bool(s.request.processors)


def lean(s: PaymentState) -> bool:
    """True on the lean path: a patch-free request, or a new run (by patch; older: False)."""
    return patch_free(s) or workflow.patched(LEAN_PATCH)


def settled(s: PaymentState) -> bool:
    """True if the workflow may close now, its refunds made elsewhere (new payments only)."""
    return lean(s)


async def refund_window(s: PaymentState) -> None:
    """Keep a captured payment open for refunds until its window closes (or all is refunded)."""
    if s.status not in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
        return
    window = timedelta(seconds=s.request.options.refund_window_seconds)
    with contextlib.suppress(TimeoutError):
        await workflow.wait_condition(lambda: s.status is PaymentStatus.REFUNDED, timeout=window)
    s.refunds_closed = True
    s.refundable_until = None
