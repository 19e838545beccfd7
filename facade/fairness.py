"""Fairness between merchants on busy task queues: each workflow starts with its merchant's key.

With task queue fairness on (the dev server's ``matching.enableFairness``, ``stack/commands.py``),
a backlogged queue serves its fairness keys in turn instead of first come, first served, so a
merchant at ten times the others' rate waits on its own backlog rather than on theirs. The key
is set once, at the workflow's start: its workflow tasks carry it, and every activity it
schedules inherits it (Temporal's priority inheritance), the processor calls on their
rate-limited queues included. Measured by ``make bench`` (docs/performance.md, "Fairness
between merchants").
"""

from __future__ import annotations

from temporalio.common import Priority


def merchant_priority(merchant_id: str, *, fair: bool = True) -> Priority:
    """The start priority of a payment's or refund's workflow: ``merchant_id`` as fairness key.

    ``fair`` False: no key (the bench's comparison); every keyless task then shares one key.
    """
    # The ids are at most 64 characters of [A-Za-z0-9_-] (payments.models.Identifier): within
    # Temporal's 64-byte limit for a fairness key.
    return Priority(fairness_key=merchant_id) if fair else Priority.default
