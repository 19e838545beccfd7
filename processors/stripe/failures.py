"""Stripe's errors in the one vocabulary of ``payments.errors`` (docs/processors.md, "Stripe").

The SDK raises a ``stripe.StripeError`` subclass for every failure; this module is the only
place that reads them. Messages are Stripe's own (they never carry card data or the key).
"""

from __future__ import annotations

import aiohttp
import stripe

from payments.errors import DeclineCode, ErrorType
from processors.errors import ProcessorFailure, decline_code_of

# card_error ``code``s that are not ``card_declined`` (whose reason is ``decline_code``).
CARD_CODES: dict[str, DeclineCode] = {
    "incorrect_number": DeclineCode.INVALID_NUMBER,
    "invalid_number": DeclineCode.INVALID_NUMBER,
    "expired_card": DeclineCode.EXPIRED_CARD,
    "incorrect_cvc": DeclineCode.INCORRECT_CVC,
    "invalid_cvc": DeclineCode.INCORRECT_CVC,
    "processing_error": DeclineCode.PROCESSING_ERROR,
    "authentication_required": DeclineCode.AUTHENTICATION_REQUIRED,
}
# invalid_request_error ``code``s that mean more than "malformed".
REQUEST_CODES: dict[str, ErrorType] = {
    "amount_too_large": ErrorType.AMOUNT_TOO_LARGE,
    "charge_already_refunded": ErrorType.AMOUNT_TOO_LARGE,
    "payment_intent_unexpected_state": ErrorType.ILLEGAL_STATE,
    "charge_expired_for_capture": ErrorType.ILLEGAL_STATE,
    "charge_not_refundable": ErrorType.ILLEGAL_STATE,
}


def _header(exc: stripe.StripeError, name: str) -> str | None:
    for key, value in (exc.headers or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def _retry_after(exc: stripe.StripeError) -> float | None:
    raw = _header(exc, "retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None  # an HTTP date: leave the wait to the retry policy


def declined(exc: stripe.CardError) -> ProcessorFailure:
    """A card_error: the reason from ``decline_code``, else from ``code``, else generic."""
    error = exc.error
    raw = getattr(error, "decline_code", None) if error is not None else None
    reason = decline_code_of(raw) or CARD_CODES.get(exc.code or "", DeclineCode.GENERIC_DECLINE)
    message = exc.user_message or "card declined"
    return ProcessorFailure(ErrorType.CARD_DECLINED, reason.value, message, decline_code=reason)


def _connection(exc: stripe.APIConnectionError) -> ProcessorFailure:
    cause = exc.__cause__
    if isinstance(cause, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        # Nothing reached Stripe: safe to try elsewhere.
        kind, code = ErrorType.PROCESSOR_UNAVAILABLE, "connection_error"
    else:
        # Sent, then no answer: Stripe may have acted; only an inquiry can tell.
        kind, code = ErrorType.OUTCOME_UNKNOWN, "no_answer"
    return ProcessorFailure(kind, code, f"stripe did not answer: {type(cause).__name__}")


def _by_status(exc: stripe.StripeError) -> ProcessorFailure:
    status, code = exc.http_status or 0, exc.code or "api_error"
    wait, message = _retry_after(exc), f"stripe answered {status}: {code}"
    should_retry = _header(exc, "stripe-should-retry")
    if status == 429:
        # Stripe refuses rate-limited requests before doing anything.
        return ProcessorFailure(ErrorType.PROCESSOR_UNAVAILABLE, "rate_limited", message,
                                retry_after=wait)  # fmt: skip
    if status in (401, 403):
        # A wrong or restricted key: this processor cannot act at all, another may.
        return ProcessorFailure(ErrorType.PROCESSOR_UNAVAILABLE, "authentication_failed", message)
    if should_retry == "false" and status >= 500:
        # Stripe stored this error under the key: a retry replays it, so only an inquiry
        # (which never re-sends) can say what happened.
        code = "stripe_should_not_retry"
    elif should_retry != "true" and 400 <= status < 500:
        return ProcessorFailure(ErrorType.INVALID_REQUEST, code, message)
    # 5xx, a lock timeout (409, Stripe-Should-Retry: true) and anything unreadable: Stripe may
    # have acted. Retry with the same key after Retry-After, then ask (never fail over).
    return ProcessorFailure(ErrorType.OUTCOME_UNKNOWN, code, message, retry_after=wait)


def failure_of(exc: stripe.StripeError) -> ProcessorFailure:
    """The ``ProcessorFailure`` for one SDK error."""
    if isinstance(exc, stripe.CardError):
        return declined(exc)
    if isinstance(exc, stripe.APIConnectionError):
        return _connection(exc)
    if isinstance(exc, stripe.IdempotencyError):
        if exc.code == "idempotency_key_in_use":
            return ProcessorFailure(ErrorType.OUTCOME_UNKNOWN, exc.code, "request in progress")
        return ProcessorFailure(ErrorType.IDEMPOTENCY_CONFLICT, "idempotency_error", str(exc))
    if isinstance(exc, stripe.InvalidRequestError) and (exc.http_status or 400) < 409:
        kind = REQUEST_CODES.get(exc.code or "", ErrorType.INVALID_REQUEST)
        return ProcessorFailure(kind, exc.code or "invalid_request", exc.user_message or str(exc))
    return _by_status(exc)


def refund_failure(exc: stripe.StripeError) -> ProcessorFailure:
    """As ``failure_of``; a refund refused on its ``amount`` is above what is left to refund.

    Stripe documents the refusal ("Refund amount ... is greater than unrefunded amount") as an
    ``invalid_request_error`` on ``param: amount``, not always with a ``code``.
    """
    if isinstance(exc, stripe.InvalidRequestError) and exc.param == "amount":
        message = exc.user_message or "refund amount above what is left"
        return ProcessorFailure(ErrorType.AMOUNT_TOO_LARGE, exc.code or "amount_too_large", message)
    return failure_of(exc)
