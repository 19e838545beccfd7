"""Turning activity failures and domain refusals into workflow outcomes."""

from __future__ import annotations

from temporalio.exceptions import ActivityError, ApplicationError, FailureError

from payments.errors import DeclineCode, ErrorKind, ErrorType, PaymentError
from payments.status import PaymentEvent


def rejection(exc: PaymentError) -> ApplicationError:
    """An update refusal, carrying the domain error whole: details are (code, kind, param).

    The facade (``facade.errors``) rebuilds the same error from it. ``type`` stays what it was
    before kinds existed (AmountTooLarge or IllegalState), so a refusal reads the same in a
    history and a facade can still read a refusal from an older worker (details of one).
    """
    error_type = (
        ErrorType.AMOUNT_TOO_LARGE
        if exc.kind is ErrorKind.UNPROCESSABLE
        else ErrorType.ILLEGAL_STATE
    )
    return ApplicationError(
        exc.message,
        exc.code,
        exc.kind.value,
        exc.param or "",
        type=error_type.value,
        non_retryable=True,
    )


def cause_of(err: FailureError) -> BaseException | None:
    """The application failure behind an activity's failure.

    A normal activity fails with an ``ActivityError`` wrapping the cause; a local activity
    can surface its ``ApplicationError`` (or ``TimeoutError``) directly.
    """
    return err.cause if isinstance(err, ActivityError) else err


def failure_of(err: FailureError) -> tuple[PaymentEvent, str, str]:
    """(event, code, detail) for a failed activity; retries running out counts as unavailable."""
    cause = cause_of(err)
    if isinstance(cause, ApplicationError) and cause.type == ErrorType.CARD_DECLINED:
        details = [str(d) for d in cause.details]
        code = next((d for d in reversed(details) if d), DeclineCode.GENERIC_DECLINE.value)
        return PaymentEvent.DECLINED, code, cause.message
    if isinstance(cause, ApplicationError) and cause.type == ErrorType.CIRCUIT_OPEN:
        return PaymentEvent.FAILED, DeclineCode.PROCESSOR_UNAVAILABLE.value, cause.message
    if isinstance(cause, ApplicationError) and cause.non_retryable and cause.details:
        return PaymentEvent.FAILED, str(cause.details[0]), cause.message
    return PaymentEvent.FAILED, DeclineCode.PROCESSOR_UNAVAILABLE.value, "retries exhausted"
