"""OpenAPI details FastAPI cannot infer: bodies read by hand (to refuse floats), the error shape
with what each status means, and the 202 of a create."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from api.schemas import PaymentOut


class ErrorType(StrEnum):
    """Every ``error.type`` the API answers with (the classes in ``api.errors``)."""

    INVALID_REQUEST = "invalid_request_error"
    AUTHENTICATION = "authentication_error"
    CARD = "card_error"
    IDEMPOTENCY = "idempotency_error"
    RATE_LIMIT = "rate_limit_error"
    API = "api_error"


class ErrorDetail(BaseModel):
    """What went wrong; ``code`` is stable, ``message`` is for developers and never repeats input.

    Declines (402) also carry ``payment_id`` (the failed payment, which can be fetched),
    ``customer_message`` (for the customer, in the Accept-Language language) and ``next_step``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ErrorType
    code: str
    message: str
    param: str | None
    decline_code: str | None
    payment_id: str | None = None
    customer_message: str | None = None
    next_step: str | None = None
    payment_status: str | None = None
    """``requires_payment_method`` when the payment waits for another card."""


class ErrorOut(BaseModel):
    """The one shape of every error answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    error: ErrorDetail


# What each status means, by (type, code); README "Errors" has the full table.
STATUS_TEXT: dict[int, str] = {
    400: "Invalid request (`invalid_request_error`): `parameter_missing`, `parameter_invalid`, "
    "`amount_too_large`, `invalid_json`, `invalid_number`, ...; on every POST also "
    "`idempotency_key_missing` / `idempotency_key_invalid`. `param` names the parameter.",
    401: "No API key (`api_key_missing`) or an unknown one (`api_key_invalid`), "
    "`authentication_error`.",
    402: "The card was declined (`card_error`): `decline_code`, `payment_id`, "
    "`customer_message` and `next_step` say why and what to do; `payment_status` "
    "`requires_payment_method` when the payment waits for another card (`retry_on_decline`).",
    404: "No such payment, or another merchant's (`resource_missing`).",
    409: "The payment's status does not allow this (`payment_state_conflict`), or a request "
    "with this Idempotency-Key is still in progress (`idempotency_error`).",
    413: "The body is larger than the limit (`request_too_large`).",
    422: "The amount is above what is left (`amount_too_large`), or the Idempotency-Key was used "
    "with another request (`idempotency_key_reused`).",
    429: "Over the merchant's rate (`rate_limit_error`); retry after `Retry-After` seconds.",
    503: "Temporal or the processor is unreachable, or the outcome is not known yet (`api_error`); "
    "nothing was charged twice: retry with the same Idempotency-Key.",
}

_HEADERS: dict[int, dict[str, Any]] = {
    429: {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}},
}

PROCESSING: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "The authorization has no result yet: the payment, status `processing`. "
        "Fetch it, or retry with the same Idempotency-Key, for the outcome.",
        "model": PaymentOut,
    }
}


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting ``model`` as the required JSON body."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    content = {"application/json": {"schema": _inline(schema, defs)}}
    # An empty body reads as {} (api.body.parse_json): required only if {} is not enough.
    return {"requestBody": {"required": bool(schema.get("required")), "content": content}}


def error_response(status: int) -> dict[str, Any]:
    """The OpenAPI response object for one error status (the body: ``ErrorOut``)."""
    response: dict[str, Any] = {
        "description": STATUS_TEXT[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    if status in _HEADERS:
        response["headers"] = _HEADERS[status]
    return response


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error shape, documented for each status a route can answer with."""
    # "model" makes FastAPI add ErrorOut to the document's components.
    return {status: {**error_response(status), "model": ErrorOut} for status in statuses}
