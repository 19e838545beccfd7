"""One error base class carrying its HTTP answer, the kind -> status table, and the handlers.

Every failure answers ``{"error": {"type", "code", "message", "param", "decline_code", ...}}``.
Messages are written here or in ``payments``; they never echo what the client sent, so a card
number, CVC, API key or e-mail can never come back in an error.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from api.allow import allowed_methods
from payments.errors import ErrorKind, PaymentError
from stores.database import StoreUnavailable

log = logging.getLogger("api")


class ApiError(Exception):
    """Base for every error the API answers with; subclasses fix status, type and code."""

    status: int = 400
    type: str = "invalid_request_error"
    code: str = "invalid_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Override the class's ``code`` when a finer one applies; ``extra`` adds fields."""
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.param = param
        self.decline_code = decline_code
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        """The JSON answer."""
        error = {
            "type": self.type,
            "code": self.code,
            "message": self.message,
            "param": self.param,
            "decline_code": self.decline_code,
            **self.extra,
        }
        return {"error": error}


class InvalidRequest(ApiError):
    """400: the request is malformed or breaks a documented rule."""


class Unauthorized(ApiError):
    """401: no API key, or one that belongs to no merchant."""

    status, type, code = 401, "authentication_error", "api_key_invalid"


class CardDeclined(ApiError):
    """402: the card was declined or the payment failed at the processor."""

    status, type, code = 402, "card_error", "card_declined"


class NotFound(ApiError):
    """404: no such resource, or one that belongs to another merchant (indistinguishable)."""

    status, code = 404, "resource_missing"


class StateConflict(ApiError):
    """409: the payment's status does not allow the operation."""

    status, code = 409, "payment_state_conflict"


class IdempotencyInUse(ApiError):
    """409: a request with this key is still being processed."""

    status, type, code = 409, "idempotency_error", "idempotency_key_in_use"


class PayloadTooLarge(ApiError):
    """413: the body is larger than the configured limit."""

    status, code = 413, "request_too_large"


class Unprocessable(ApiError):
    """422: well-formed, but not allowed (an amount above what is left, a reused key)."""

    status, code = 422, "amount_too_large"


class IdempotencyReused(ApiError):
    """422: the key was used before with a different request."""

    status, type, code = 422, "idempotency_error", "idempotency_key_reused"


class RateLimited(ApiError):
    """429: the merchant sent more requests than its rate allows."""

    status, type, code = 429, "rate_limit_error", "rate_limited"


class Unavailable(ApiError):
    """503: Temporal or the processor is unreachable, or the outcome is not known yet."""

    status, type, code = 503, "api_error", "temporal_unavailable"


class StoreDown(ApiError):
    """503: the API's database (idempotency keys, payment index, vault) is not reachable."""

    status, type, code = 503, "api_error", "store_unavailable"


class Internal(ApiError):
    """500: something failed on our side (or Temporal's) that retrying may or may not fix."""

    status, type, code = 500, "api_error", "internal_error"


# The one place a domain error's kind becomes an HTTP status.
STATUS_OF_KIND: dict[ErrorKind, type[ApiError]] = {
    ErrorKind.INVALID: InvalidRequest,
    ErrorKind.NOT_FOUND: NotFound,
    ErrorKind.CONFLICT: StateConflict,
    ErrorKind.UNPROCESSABLE: Unprocessable,
    ErrorKind.DECLINED: CardDeclined,
    ErrorKind.UNAVAILABLE: Unavailable,
    ErrorKind.OUTCOME_UNKNOWN: Unavailable,
}


def from_payment_error(exc: PaymentError) -> ApiError:
    """The API error for a domain refusal (``payments.errors``), by its kind."""
    cls = STATUS_OF_KIND[exc.kind]
    decline = getattr(exc, "decline_code", None)
    return cls(exc.message, code=exc.code, param=exc.param, decline_code=decline)


def dumps(body: Any) -> bytes:
    """Compact, deterministic JSON: a replay is byte-identical to the first answer."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def render(exc: ApiError) -> Response:
    """The response for ``exc``."""
    return Response(
        dumps(exc.body()), exc.status, headers=exc.headers, media_type="application/json"
    )


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return render(exc)


async def _payment_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, PaymentError)
    return render(from_payment_error(exc))


class MethodNotAllowed(ApiError):
    """405: the URL exists, but not for this method; ``Allow`` lists the methods it has."""

    status, code = 405, "method_not_allowed"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return render(NotFound("unknown URL"))
    if exc.status_code == 405:
        allow = allowed_methods(request)
        message = f"method not allowed for this URL; allowed: {allow}"
        return render(MethodNotAllowed(message, headers={"Allow": allow}))
    return render(InvalidRequest(str(exc.detail)))


async def _validation_error(_: Request, exc: Exception) -> Response:
    # Query and path parameters checked by FastAPI; the message never repeats the input.
    assert isinstance(exc, RequestValidationError)
    loc = exc.errors()[0]["loc"] if exc.errors() else ()
    param = str(loc[-1]) if loc else None
    return render(InvalidRequest("invalid parameter", code="parameter_invalid", param=param))


async def _store_down(_: Request, exc: Exception) -> Response:
    # Nothing half-done to report: each store call is one transaction, and the request's
    # Idempotency-Key was either never claimed or is released when its work fails.
    log.warning("store unavailable: %s", exc)
    message = "the payment database is briefly unavailable; retry with the same Idempotency-Key"
    return render(StoreDown(message, headers={"Retry-After": "1"}))


async def _unexpected(_: Request, exc: Exception) -> Response:
    log.error("unexpected %s", type(exc).__name__)
    error = ApiError("internal error; retry with the same Idempotency-Key", code="internal_error")
    error.status, error.type = 500, "api_error"
    return render(error)


def install(app: FastAPI) -> None:
    """Register every handler, so no failure escapes in another shape."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(PaymentError, _payment_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreUnavailable, _store_down)
    app.add_exception_handler(Exception, _unexpected)
