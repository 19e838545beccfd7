"""Calling Temporal from a request: bounded waits, and one table from RPC errors to answers."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from temporalio.client import Client, RPCTimeoutOrCancelledError, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ApiError, Internal, InvalidRequest, NotFound, Unavailable
from payments.models import PaymentRequest, PaymentView
from payments.state import PaymentState

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


def _refused() -> ApiError:
    return InvalidRequest("Temporal refused the request as invalid", code="parameter_invalid")


def _failed() -> ApiError:
    return Internal("Temporal failed to answer the request; retry later")


# Only "not reached" (or not in time) is a 503 worth retrying as is; a refusal is the request's
# fault (400), a missing workflow a 404, and anything else a server error (500).
RPC_ANSWERS: dict[RPCStatusCode, Callable[[], ApiError]] = {
    RPCStatusCode.UNAVAILABLE: unreachable,
    RPCStatusCode.DEADLINE_EXCEEDED: unreachable,
    RPCStatusCode.CANCELLED: unreachable,
    RPCStatusCode.RESOURCE_EXHAUSTED: unreachable,
    RPCStatusCode.INVALID_ARGUMENT: _refused,
    RPCStatusCode.NOT_FOUND: lambda: NotFound("no such payment"),
}


def rpc_answer(exc: RPCError) -> ApiError:
    """The API's answer for an RPC error from Temporal (``RPC_ANSWERS``, else a 500)."""
    return RPC_ANSWERS.get(exc.status, _failed)()


async def call(work: Awaitable[T], *, wait: float) -> T:
    """Await ``work`` for at most ``wait`` seconds.

    Raises:
        Unavailable: ``outcome_unknown`` on timeout, ``temporal_unavailable`` if not reached.
        ApiError: Another RPC error, as ``RPC_ANSWERS`` maps it.
        asyncio.CancelledError: The request itself was cancelled.
    """
    try:
        return await asyncio.wait_for(work, timeout=wait)
    except (TimeoutError, RPCTimeoutOrCancelledError):
        # An update cancelled by the timeout raises the SDK's own error, not TimeoutError; it
        # was sent (or not) all the same, and its id lets the retry attach to it.
        _cancelled_from_outside()
        raise unknown_outcome() from None
    except RPCError as exc:
        raise rpc_answer(exc) from None
    except RuntimeError as exc:
        # A lazy client that cannot connect raises RuntimeError("Failed client connect: ...").
        if "connect" in str(exc).lower():
            raise unreachable() from None
        raise


def _cancelled_from_outside() -> None:
    # The SDK turns any cancellation into its timeout error; the request's own must not
    # become an answer.
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def accepted_view(client: Client, req: PaymentRequest) -> PaymentView:
    """The payment as the API knows it, for when no worker answered: ``processing``.

    Needs no worker (a describe, or a closed workflow's result); a retry with the same key
    later attaches to the workflow and gets the final answer.

    Raises:
        Unavailable: ``outcome_unknown`` if Temporal has no such workflow (start not accepted).
    """
    handle = client.get_workflow_handle(req.payment_id, result_type=PaymentView)
    try:
        desc = await handle.describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise unknown_outcome() from None
        raise
    if desc.status != WorkflowExecutionStatus.RUNNING:
        final: PaymentView = await handle.result()
        return final
    return PaymentState(request=req, created_at=req.created_at or desc.start_time).view()
