"""Temporal's answers to a payment operation, translated once into domain errors (kinds)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from temporalio.client import (
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from payments import search_attributes as sa
from payments.errors import (
    AmountRejected,
    ErrorKind,
    ErrorType,
    NotFound,
    PaymentError,
    StateConflict,
    TemporalUnavailable,
    error_of,
)
from payments.models import PaymentView
from payments.public import public_status, stored_status_word, visible_status

T = TypeVar("T")

# RPC outcomes that say nothing about the payment, only that Temporal was not reached in time.
UNREACHABLE = frozenset(
    {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED}
)


class StartUnconfirmed(TimeoutError):
    """A start did not reach Temporal within its wait: the workflow may or may not come to be.

    A ``TimeoutError`` (outcome unknown), never "no such payment": the workflow id is the
    payment id, so sending the same start again joins the first if it did land.
    """


def refusal(err: ApplicationError) -> PaymentError:
    """The domain error a workflow update refused with (``workflows.failures.rejection``).

    Details are (code, kind, param); a refusal from an older worker carries the code only,
    and its type says the kind.
    """
    details = [str(d) for d in err.details]
    if len(details) >= 3:
        code, kind, param = details[0], ErrorKind(details[1]), details[2]
        return error_of(kind, err.message, code=code, param=param or None)
    if err.type == ErrorType.AMOUNT_TOO_LARGE:
        return AmountRejected(err.message, param="amount")
    return StateConflict(err.message)


def as_payment_error(exc: BaseException) -> PaymentError:
    """The domain error for a refused update or a failed RPC (the one translation)."""
    cause = exc.cause if isinstance(exc, WorkflowUpdateFailedError) else exc
    if isinstance(cause, ApplicationError):
        return refusal(cause)
    if isinstance(exc, RPCError) and exc.status == RPCStatusCode.NOT_FOUND:
        return NotFound("no such payment")
    if isinstance(exc, RPCError) and exc.status in UNREACHABLE:
        return TemporalUnavailable(f"Temporal did not answer ({exc.status.name}); retry later")
    return PaymentError(str(cause))


async def guard(call: Awaitable[T], handle: WorkflowHandle[Any, Any]) -> T:
    """Await a query or update of ``handle``; refusals and RPC errors become domain errors.

    Raises:
        PaymentError: The kind of refusal (``StateConflict`` for a finished payment).
    """
    try:
        return await call
    except (WorkflowUpdateFailedError, RPCError) as exc:
        error = as_payment_error(exc)
    if isinstance(error, NotFound):
        # Updates on a finished workflow answer NOT_FOUND; say what the payment became instead.
        try:
            desc = await handle.describe()
        except RPCError:
            raise error from None
        status = await _closed_status_word(handle, desc)
        raise StateConflict(
            f"payment {handle.id} can no longer change: its status is {status}"
        ) from None
    raise error


async def _closed_status_word(handle: WorkflowHandle[Any, Any], desc: Any) -> str:
    # A completed payment's result is its exact final view (partially refunded, say), which a
    # lean payment's visibility leaves unpublished; reading it is free and needs no worker.
    if desc.status == WorkflowExecutionStatus.COMPLETED:
        try:
            raw = await handle.result()
            view = raw if isinstance(raw, PaymentView) else PaymentView.model_validate(raw)
            return public_status(view.status, view.capture_method).value
        except (RPCError, WorkflowFailureError, ValueError):
            pass  # visibility's word below
    attr = desc.typed_search_attributes.get(sa.PAYMENT_STATUS)
    running = desc.status == WorkflowExecutionStatus.RUNNING
    return stored_status_word(visible_status(attr, running=running))
