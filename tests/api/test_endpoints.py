"""Every endpoint on the running API, each status code it answers with, and tenancy."""

from __future__ import annotations

from typing import Any

import httpx
from temporalio.client import Client

from tests.api.conftest import Merchant, count_payments, payment_body

JSON = dict[str, Any]


async def create(http: httpx.AsyncClient, m: Merchant, key: str, body: JSON, **h: str) -> Any:
    return await http.post("/v1/payments", json=body, headers=m.headers(key, **h))


async def test_health_and_readiness(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    assert (await http.get("/readyz")).json() == {"status": "ready"}
    docs = await http.get("/openapi.json")
    assert "/v1/payments/{payment_id}/refunds" in docs.json()["paths"]
    assert (await http.get("/docs")).status_code == 200


async def test_automatic_payment_answers_with_the_payment_object(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    body = payment_body(2500, customer={"id": "cus_1", "email": "a@example.com"},
                        description="order 7", metadata={"order": "7"})  # fmt: skip
    resp = await create(http, merchant, "auto-1", body)
    assert resp.status_code == 200, resp.text
    p = resp.json()
    assert p["id"].startswith("pay_") and p["status"] == "succeeded"
    assert (p["amount"], p["amount_captured"], p["amount_capturable"]) == (2500, 2500, 0)
    assert p["card"] == {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}
    assert (p["customer"], p["metadata"], p["failure"]) == ("cus_1", {"order": "7"}, None)
    assert "4242424242424242" not in resp.text and "example.com" not in resp.text
    got = await http.get(f"/v1/payments/{p['id']}", headers=merchant.headers())
    assert got.json() == p


async def test_manual_capture_refund_events_and_list(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    p = (await create(http, merchant, "man-1", payment_body(5000, capture_method="manual"))).json()
    assert (p["status"], p["amount_capturable"]) == ("requires_capture", 5000)
    pid = p["id"]
    cap = await http.post(
        f"/v1/payments/{pid}/capture", json={"amount": 3000}, headers=merchant.headers("cap-1")
    )
    assert cap.status_code == 200 and cap.json()["amount_captured"] == 3000
    assert cap.json()["status"] == "succeeded"
    ref = await http.post(
        f"/v1/payments/{pid}/refunds",
        json={"amount": 1000, "reason": "damaged"},
        headers=merchant.headers("ref-1"),
    )
    assert ref.status_code == 200
    r = ref.json()
    assert r["id"].startswith("re_") and (r["amount"], r["currency"]) == (1000, "USD")
    assert (r["object"], r["payment_id"], r["reason"]) == ("refund", pid, "damaged")
    view = (await http.get(f"/v1/payments/{pid}", headers=merchant.headers())).json()
    assert (view["status"], view["amount_refunded"]) == ("partially_refunded", 1000)
    events = (await http.get(f"/v1/payments/{pid}/events", headers=merchant.headers())).json()
    assert [e["status"] for e in events["data"]] == [
        "requires_capture",
        "succeeded",
        "partially_refunded",
    ]
    assert events["data"][0]["id"] == f"evt_{pid}_1"
    listed = await http.get("/v1/payments?status=partially_refunded", headers=merchant.headers())
    assert [x["id"] for x in listed.json()["data"]] == [pid]


async def test_list_is_paginated_and_filtered(http: httpx.AsyncClient, merchant: Merchant) -> None:
    ids = [(await create(http, merchant, f"list-{i}", payment_body(100 + i))).json()["id"]
           for i in range(3)]  # fmt: skip
    seen: list[str] = []
    page: str | None = None
    for _ in range(3):
        params = {"limit": "2", **({"page": page} if page else {})}
        resp = (await http.get("/v1/payments", params=params, headers=merchant.headers())).json()
        seen += [x["id"] for x in resp["data"]]
        page = resp["next_page"]
        if not resp["has_more"]:
            break
    assert sorted(seen) == sorted(ids)
    none = await http.get("/v1/payments?status=requires_capture", headers=merchant.headers())
    assert none.json()["data"] == []
    bad = await http.get("/v1/payments?status=captured", headers=merchant.headers())
    assert (bad.status_code, bad.json()["error"]["param"]) == (400, "status")


async def test_cancel_then_capture_is_a_state_conflict(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    pid = (await create(http, merchant, "can-1", payment_body(capture_method="manual"))).json()[
        "id"
    ]
    can = await http.post(f"/v1/payments/{pid}/cancel", headers=merchant.headers("can-1c"))
    assert (can.status_code, can.json()["status"]) == (200, "canceled")
    cap = await http.post(f"/v1/payments/{pid}/capture", json={}, headers=merchant.headers("x"))
    assert (cap.status_code, cap.json()["error"]["code"]) == (409, "payment_state_conflict")


async def test_amounts_above_what_is_left_are_422(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    pid = (await create(http, merchant, "a-1", payment_body(800, capture_method="manual"))).json()[
        "id"
    ]
    cap = await http.post(
        f"/v1/payments/{pid}/capture", json={"amount": 801}, headers=merchant.headers("a-c1")
    )
    assert (cap.status_code, cap.json()["error"]["code"]) == (422, "amount_too_large")
    await http.post(f"/v1/payments/{pid}/capture", json={}, headers=merchant.headers("a-c2"))
    ref = await http.post(
        f"/v1/payments/{pid}/refunds", json={"amount": 801}, headers=merchant.headers("a-r1")
    )
    assert (ref.status_code, ref.json()["error"]["param"]) == (422, "amount")


async def test_decline_is_402_and_the_failure_speaks_the_customers_language(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    resp = await create(http, merchant, "dec-1", payment_body(name="insufficient"))
    assert resp.status_code == 402
    err = resp.json()["error"]
    assert (err["type"], err["code"], err["decline_code"]) == (
        "card_error",
        "card_declined",
        "insufficient_funds",
    )
    assert err["next_step"] == "try_another_card"
    url = f"/v1/payments/{err['payment_id']}"
    zh = await http.get(url, headers=merchant.headers(**{"Accept-Language": "zh-CN,en;q=0.5"}))
    failure = zh.json()["failure"]
    assert zh.json()["status"] == "failed" and failure["language"] == "zh"
    assert failure["customer_message"] == "您的银行卡余额不足。"
    assert failure["message"] == "The card has too little available balance or credit."
    en = (await http.get(url, headers=merchant.headers())).json()["failure"]
    assert en["customer_message"] == "Your card has insufficient funds."


async def test_card_refused_at_tokenization_starts_nothing(
    http: httpx.AsyncClient, client: Client, merchant: Merchant
) -> None:
    resp = await create(http, merchant, "cvc-1", payment_body(name="incorrect_cvc"))
    assert resp.status_code == 402
    assert resp.json()["error"]["decline_code"] == "incorrect_cvc"
    assert await count_payments(client, merchant.id) == 0


async def test_another_merchants_payment_is_404_like_an_unknown_id(
    http: httpx.AsyncClient, merchant: Merchant, other_merchant: Merchant
) -> None:
    pid = (await create(http, merchant, "t-1", payment_body(capture_method="manual"))).json()["id"]
    spy = other_merchant.headers
    answers = [
        await http.get(f"/v1/payments/{pid}", headers=spy()),
        await http.get(f"/v1/payments/{pid}/events", headers=spy()),
        await http.post(f"/v1/payments/{pid}/capture", json={}, headers=spy("t-2")),
        await http.post(f"/v1/payments/{pid}/cancel", json={}, headers=spy("t-3")),
        await http.post(f"/v1/payments/{pid}/refunds", json={}, headers=spy("t-4")),
        await http.get("/v1/payments/pay_000000000000000000000000", headers=spy()),
    ]
    bodies = {(a.status_code, a.json()["error"]["code"], a.json()["error"]["message"])
              for a in answers}  # fmt: skip
    assert bodies == {(404, "resource_missing", "no such payment")}
    assert (await http.get("/v1/payments", headers=spy())).json()["data"] == []
    mine = (await http.get(f"/v1/payments/{pid}", headers=merchant.headers())).json()
    assert mine["status"] == "requires_capture"


async def test_missing_or_wrong_api_key_is_401(http: httpx.AsyncClient, merchant: Merchant) -> None:
    none = await http.get("/v1/payments")
    assert (none.status_code, none.json()["error"]["code"]) == (401, "api_key_missing")
    wrong = await http.get("/v1/payments", headers={"Authorization": "Bearer sk_test_" + "x" * 40})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "api_key_invalid")
    assert "x" * 40 not in wrong.text
    post = await http.post("/v1/payments", json=payment_body(), headers={"Idempotency-Key": "k"})
    assert post.status_code == 401
