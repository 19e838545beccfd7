"""The OpenAPI document says what the API does (issue 11, item 12).

An in-process API with its own run folder; every request here is answered before Temporal is
needed (validation, authentication, routing), so no dev server is involved.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest

from api.docs import ErrorOut, ErrorType
from api.errors import ApiError
from api.settings import ApiSettings
from infra.keyring import ensure_keyring
from stores.merchants import new_api_key
from tests.api.conftest import app_client, card

KEY = new_api_key()
AUTH = {"Authorization": f"Bearer {KEY}"}
POSTS = [
    "/v1/checkout_sessions",
    "/v1/customers",
    "/v1/payments",
    "/v1/payments/{payment_id}/capture",
    "/v1/payments/{payment_id}/cancel",
    "/v1/payments/{payment_id}/refunds",
    "/v1/payments/{payment_id}/confirm",
    "/v1/webhook_endpoints",
]


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    for name in ("vault-key.json", "codec-keys.json"):
        ensure_keyring(tmp_path / name)
    settings = ApiSettings(run_dir=tmp_path, api_keys={"m_openapi": KEY})
    async with app_client(settings) as client:
        yield client


@pytest.fixture
async def doc(api: httpx.AsyncClient) -> dict[str, Any]:
    resp = await api.get("/openapi.json")
    assert resp.status_code == 200
    document: dict[str, Any] = resp.json()
    return document


def body_schema(doc: dict[str, Any], path: str) -> dict[str, Any]:
    content = doc["paths"][path]["post"]["requestBody"]["content"]
    schema: dict[str, Any] = content["application/json"]["schema"]
    return schema


def test_both_security_schemes_are_declared(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    assert {k: (v["type"], v["scheme"]) for k, v in schemes.items()} == {
        "bearerAuth": ("http", "bearer"),
        "basicAuth": ("http", "basic"),
    }
    assert doc["security"] == [{"bearerAuth": []}, {"basicAuth": []}]
    for path in ("/healthz", "/readyz"):  # no key needed
        assert doc["paths"][path]["get"]["security"] == []


async def test_every_post_requires_an_idempotency_key(
    doc: dict[str, Any], api: httpx.AsyncClient
) -> None:
    posts = sorted(p for p, item in doc["paths"].items() if "post" in item)
    assert posts == sorted(POSTS)
    for path in POSTS:
        operation = doc["paths"][path]["post"]
        (key,) = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert key["in"] == "header" and key["required"] is True
        examples = operation["responses"]["400"]["content"]["application/json"]["examples"]
        missing = examples["idempotency_key_missing"]["value"]["error"]
        assert missing["code"] == "idempotency_key_missing"
        # ... and the API's own answer is that documented one.
        url = path.replace("{payment_id}", "pay_0")
        resp = await api.post(url, json={}, headers=AUTH)
        assert resp.status_code == 400
        assert ErrorOut.model_validate(resp.json()).error.code == "idempotency_key_missing"


async def test_the_documented_amount_maximum_is_the_enforced_one(
    doc: dict[str, Any], api: httpx.AsyncClient
) -> None:
    maximum = body_schema(doc, "/v1/payments")["properties"]["amount"]["maximum"]
    for path in ("/v1/payments/{payment_id}/capture", "/v1/payments/{payment_id}/refunds"):
        amount = body_schema(doc, path)["properties"]["amount"]
        assert amount["anyOf"][0]["maximum"] == maximum
    bad_card = {**card(), "number": "4242424242424241"}  # fails Luhn: refused after the amount
    for amount, code in ((maximum, "invalid_number"), (maximum + 1, "amount_too_large")):
        body = {"amount": amount, "currency": "USD", "card": bad_card}
        resp = await api.post("/v1/payments", json=body, headers={**AUTH, "Idempotency-Key": "a"})
        assert (resp.status_code, resp.json()["error"]["code"]) == (400, code)
    # Capture and refund: at the maximum the amount passes and the unknown payment is 404.
    for action in ("capture", "refunds"):
        for amount, status in ((maximum, 404), (maximum + 1, 400)):
            resp = await api.post(
                f"/v1/payments/nope/{action}",
                json={"amount": amount},
                headers={**AUTH, "Idempotency-Key": "k"},
            )
            assert resp.status_code == status, (action, amount, resp.text)


def test_card_and_payment_method_exclude_each_other_in_the_schema(doc: dict[str, Any]) -> None:
    validator = jsonschema_rs.validator_for(body_schema(doc, "/v1/payments"))
    base = {"amount": 100, "currency": "USD"}
    assert validator.is_valid({**base, "card": card()})
    assert validator.is_valid({**base, "payment_method": "pm_x"})
    assert validator.is_valid({**base, "card": None, "payment_method": "pm_x"})
    assert not validator.is_valid({**base, "card": card(), "payment_method": "pm_x"})
    assert not validator.is_valid(base)


def test_create_documents_202_processing_with_the_payment(doc: dict[str, Any]) -> None:
    accepted = doc["paths"]["/v1/payments"]["post"]["responses"]["202"]
    schema = accepted["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/PaymentOut"}
    assert "processing" in accepted["description"]


def _all_subclasses(cls: type[ApiError]) -> set[type[ApiError]]:
    found = set(cls.__subclasses__())
    return found.union(*(_all_subclasses(sub) for sub in found))


def test_errors_have_one_documented_schema(doc: dict[str, Any]) -> None:
    used = {cls.type for cls in _all_subclasses(ApiError)} | {ApiError.type, "api_error"}
    schemas = doc["components"]["schemas"]
    assert set(schemas["ErrorType"]["enum"]) == used == {t.value for t in ErrorType}
    detail = schemas["ErrorDetail"]["properties"]
    for field in ("type", "code", "message", "param", "decline_code", "payment_id",
                  "customer_message", "next_step"):  # fmt: skip
        assert field in detail
    descriptions = set()
    for item in doc["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}, status
                    descriptions.add((status, response["description"]))
    # One description per status, saying what it means (not one "error" for all).
    assert len(descriptions) == len({s for s, _ in descriptions}) >= 9
    assert "HTTPValidationError" not in doc["components"]["schemas"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/v1/payments", "GET, POST"),
        ("PUT", "/v1/payments", "GET, POST"),
        ("OPTIONS", "/v1/payments/pay_0", "GET"),
        ("PATCH", "/v1/payments/pay_0/capture", "POST"),
        ("DELETE", "/v1/webhook_endpoints", "POST"),
        ("TRACE", "/healthz", "GET"),
        ("POST", "/docs/assets/swagger-ui.css", "GET, HEAD"),
    ],
)
async def test_an_undeclared_method_is_405_with_allow(
    api: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    resp = await api.request(method, path, headers=AUTH)
    assert resp.status_code == 405
    assert resp.headers["allow"] == allow
    error = ErrorOut.model_validate(resp.json()).error
    assert (error.type, error.code) == ("invalid_request_error", "method_not_allowed")
