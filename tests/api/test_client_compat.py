"""What Stripe-style clients send: any-case ``Bearer``, HTTP Basic with the key, ``"usd"``."""

from __future__ import annotations

import base64

import httpx
import pytest

from api.deps import api_key_of
from tests.api.conftest import Merchant, payment_body

KEY = "sk_test_" + "k" * 40


def basic(user_and_password: str) -> str:
    return "Basic " + base64.b64encode(user_and_password.encode()).decode()


@pytest.mark.parametrize(
    ("header", "key"),
    [
        (f"Bearer {KEY}", KEY),
        (f"bearer {KEY}", KEY),
        (f"BEARER {KEY}", KEY),
        (basic(f"{KEY}:"), KEY),
        (basic(f"{KEY}:").replace("Basic", "basic"), KEY),
        (basic(f"{KEY}:secret"), None),  # a password we would ignore: refused
        (basic(KEY), None),  # no colon: not user:password
        ("Basic !!!not-base64!!!", None),
        (f"Token {KEY}", None),
        (f"Bearer{KEY}", None),
        (f"Bearer {KEY} extra", None),
        ("Bearer short", None),
        ("Bearer", None),
    ],
)
def test_api_key_of(header: str, key: str | None) -> None:
    assert api_key_of(header) == key


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "basic"])
async def test_other_authorization_forms_authenticate_the_merchant(
    http: httpx.AsyncClient, merchant: Merchant, scheme: str
) -> None:
    value = basic(f"{merchant.key}:") if scheme == "basic" else f"{scheme} {merchant.key}"
    resp = await http.get("/v1/payments", headers={"Authorization": value})
    assert resp.status_code == 200, resp.text
    wrong = basic(f"{merchant.key}:not-empty")
    refused = await http.get("/v1/payments", headers={"Authorization": wrong})
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "api_key_invalid")
    assert merchant.key not in refused.text


async def test_lowercase_currency_is_the_same_request_in_canonical_form(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    first = await http.post(
        "/v1/payments", json=payment_body(currency="usd"), headers=merchant.headers("cur")
    )
    assert first.status_code == 200, first.text
    assert first.json()["currency"] == "USD"
    # The same key with "USD" is the same request: the first answer is replayed, not a 422.
    again = await http.post(
        "/v1/payments", json=payment_body(currency="USD"), headers=merchant.headers("cur")
    )
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    unknown = await http.post(
        "/v1/payments", json=payment_body(currency="usx"), headers=merchant.headers("cur-2")
    )
    error = unknown.json()["error"]
    assert (unknown.status_code, error["code"], error["param"]) == (
        400,
        "invalid_currency",
        "currency",
    )
    assert error["message"] == "currency must be one of USD, EUR, GBP, CNY, JPY, KWD"
