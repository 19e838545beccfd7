"""What every transition publishes: a log line, search attributes and the webhook."""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from payments import search_attributes as sa
    from payments.models import CaptureMethod
    from payments.state import PaymentState
    from payments.status import PaymentEvent, PaymentStatus
    from payments.webhooks import EVENT_TYPES
    from workflows import steps, waits

ATTENTION = frozenset(
    {
        PaymentStatus.FAILED,
        PaymentStatus.CANCELED,
        PaymentStatus.EXPIRED,
        PaymentStatus.REQUIRES_ACTION,
        PaymentStatus.REQUIRES_PAYMENT_METHOD,
        PaymentStatus.OUTCOME_UNKNOWN,
    }
)
"""Statuses a new payment publishes: they need someone's attention, or the payment ended with
no money moved. Every other status (pending, authorized, captured) comes from the read model."""


def after_transition(s: PaymentState) -> asyncio.Task[object] | None:
    """Log, upsert search attributes and start the webhook for the latest transition; returns
    the webhook's task (the payment never waits for it), if one is due."""
    last = s.transitions[-1]
    workflow.logger.info("payment %s is %s", s.request.payment_id, last.to_status.value)
    # An automatic capture follows its authorization at once, and an authorization follows
    # its authentication: publish only where they land.
    capture_due = s.request.capture_method is CaptureMethod.AUTOMATIC
    passing = last.event is PaymentEvent.AUTHENTICATED or (
        last.event is PaymentEvent.AUTHORIZED and capture_due
    )
    if last.from_status is last.to_status:
        pass
    elif waits.lean(s):
        lean_publish(s)
    elif not passing:
        upsert(s)
    if s.request.notify and last.event in EVENT_TYPES:
        return steps.notify(s, last.event)
    return None


def upsert(s: PaymentState) -> None:
    """Publish the status (and failure code) to visibility."""
    updates = [sa.PAYMENT_STATUS.value_set(s.status.value)]
    if s.failure is not None:
        updates.append(sa.PAYMENT_FAILURE_CODE.value_set(s.failure.code))
    elif s.attempt > 1:
        # A later card cleared the earlier card's decline: so does the search attribute.
        updates.append(sa.PAYMENT_FAILURE_CODE.value_unset())
    workflow.upsert_search_attributes(updates)


def lean_publish(s: PaymentState) -> None:
    """A new payment's visibility (an upsert is a billable action): the status and failure code
    on entering an ``ATTENTION`` status; both removed on leaving a published status, so
    visibility never shows a stale one (pending, authorized, captured publish nothing)."""
    if s.status in ATTENTION:
        upsert(s)
    elif workflow.info().typed_search_attributes.get(sa.PAYMENT_STATUS) is not None:
        workflow.upsert_search_attributes(
            [sa.PAYMENT_STATUS.value_unset(), sa.PAYMENT_FAILURE_CODE.value_unset()]
        )
