"""The OpenAPI document, made to say what the API does for rules FastAPI cannot see.

The handlers check ``Authorization`` and ``Idempotency-Key`` themselves (``api.deps``) so the
answers carry the API's own codes (``api_key_missing``, ``idempotency_key_missing``) in the one
error shape; FastAPI would answer its own 422 instead. So the document is completed here, by
rule, for every operation: who needs credentials, that every POST needs a key, and that
invalid parameters answer 400 (``api.errors``), never FastAPI's 422 ``HTTPValidationError``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.docs import error_response
from api.errors import ApiError

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "`Authorization: Bearer <API key>` (the scheme name in any case).",
    },
    "basicAuth": {
        "type": "http",
        "scheme": "basic",
        "description": "HTTP Basic with the API key as user name and an empty password, "
        "as Stripe clients send it.",
    },
}
# Either scheme is enough (two entries: OR).
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"basicAuth": []}]
# Every route under /v1 depends on api.deps.merchant; /healthz and /readyz need no key.
SECURED_PREFIX = "/v1/"

# api.deps._KEY (1 to 255 printable ASCII characters), without edge spaces, which HTTP strips.
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "Required on every POST: a retry with the same key and body gets the first "
    "answer (header `Idempotent-Replayed: true`) and never a second effect. Without it the "
    "answer is 400 `idempotency_key_missing`.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": "^[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?$",
    },
}
_KEY_MISSING = ApiError(
    "Idempotency-Key header is required on every POST",
    code="idempotency_key_missing",
    param="Idempotency-Key",
).body()


def _require_key(operation: dict[str, Any]) -> None:
    params = [p for p in operation.get("parameters", []) if p["name"] != "Idempotency-Key"]
    operation["parameters"] = [IDEMPOTENCY_KEY, *params]
    bad = operation["responses"].setdefault("400", error_response(400))
    content = bad["content"]["application/json"]
    content["examples"] = {"idempotency_key_missing": {"value": _KEY_MISSING}}


def _complete(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    if responses.get("422", {}).get("description") == "Validation Error":  # FastAPI's own
        del responses["422"]
        responses.setdefault("400", error_response(400))  # api.errors._validation_error
    if method == "post":
        _require_key(operation)
    if path.startswith(SECURED_PREFIX):
        for status in (401, 429):
            responses.setdefault(str(status), error_response(status))
    else:
        operation["security"] = []


def _link_payment_ids(paths: dict[str, Any]) -> None:
    """Answers that are a payment link to every operation on one payment (OpenAPI links)."""
    by_id = {"payment_id": "$response.body#/id"}
    links = {
        op["operationId"]: {"operationId": op["operationId"], "parameters": by_id}
        for path, item in paths.items()
        if "{payment_id}" in path
        for op in item.values()
    }
    for item in paths.values():
        for operation in item.values():
            for status in ("200", "202"):
                response = operation["responses"].get(status, {})
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema == {"$ref": "#/components/schemas/PaymentOut"}:
                    response["links"] = links


def make_true(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (FastAPI's) completed in place with the API's own rules; returned."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            _complete(path, method, operation)
    _link_payment_ids(document["paths"])
    components = document.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    for unused in ("HTTPValidationError", "ValidationError"):
        components.get("schemas", {}).pop(unused, None)
    document["security"] = SECURITY
    return document


def install(app: FastAPI) -> None:
    """Serve the completed document at ``app.openapi_url``."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = make_true(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
