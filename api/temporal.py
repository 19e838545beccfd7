"""Calling Temporal from a request: bounded waits, and every way of not reaching it as a 503."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Awaitable
from typing import TypeVar

from temporalio.service import RPCError, RPCStatusCode

from api.errors import NotFound, Unavailable

T = TypeVar("T")

PAYMENT_ID = re.compile(r"^pay_[A-Za-z0-9]{8,64}$")


def derived_id(prefix: str, *parts: str) -> str:
    """A stable id from its parts (merchant, payment, idempotency key).

    A retried request lands on the same workflow, update or refund even if the idempotency
    store were lost. Plain SHA-256: the parts hold no card data and ids need no secret.
    """
    digest = hashlib.sha256("\x00".join((prefix, *parts)).encode()).hexdigest()
    return f"{prefix}_{digest[:24]}"


def unknown_outcome() -> Unavailable:
    """The operation was sent but its result is not known yet."""
    return Unavailable(
        "the outcome is not known yet; retry with the same Idempotency-Key to get it",
        code="outcome_unknown",
        headers={"Retry-After": "1"},
    )


def unreachable() -> Unavailable:
    """Temporal did not answer."""
    return Unavailable(
        "Temporal is unreachable; nothing was changed, retry later",
        headers={"Retry-After": "1"},
    )


async def call(work: Awaitable[T], *, wait: float) -> T:
    """Await ``work`` for at most ``wait`` seconds.

    Raises:
        Unavailable: ``outcome_unknown`` on timeout, ``temporal_unavailable`` if not reached.
        NotFound: If the workflow does not exist.
    """
    try:
        return await asyncio.wait_for(work, timeout=wait)
    except TimeoutError:
        raise unknown_outcome() from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise NotFound("no such payment") from None
        raise unreachable() from None
    except RuntimeError as exc:
        # A lazy client that cannot connect raises RuntimeError("Failed client connect: ...").
        if "connect" in str(exc).lower():
            raise unreachable() from None
        raise
