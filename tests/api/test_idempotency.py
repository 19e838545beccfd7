"""Idempotency as Stripe defines it: replays, conflicts, mismatches, and money never doubled."""

from __future__ import annotations

import asyncio

import httpx
from temporalio.client import Client

from tests.api.conftest import Merchant, count_payments, payment_body
from tests.helpers import Simulator


async def test_fifty_sequential_repeats_make_one_payment_with_identical_bodies(
    http: httpx.AsyncClient, client: Client, merchant: Merchant
) -> None:
    body = payment_body(1234)
    answers = [
        await http.post("/v1/payments", json=body, headers=merchant.headers("seq-key"))
        for _ in range(50)
    ]
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert "idempotent-replayed" not in answers[0].headers
    assert all(a.headers["idempotent-replayed"] == "true" for a in answers[1:])
    assert await count_payments(client, merchant.id) == 1


async def test_twenty_concurrent_creates_make_exactly_one_payment(
    http: httpx.AsyncClient, client: Client, merchant: Merchant, simulator: Simulator
) -> None:
    body = payment_body(777)
    answers = await asyncio.gather(
        *(http.post("/v1/payments", json=body, headers=merchant.headers("conc")) for _ in range(20))
    )
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {200, 409}, statuses
    assert all(a.json()["error"]["code"] == "idempotency_key_in_use"
               for a in answers if a.status_code == 409)  # fmt: skip
    assert await count_payments(client, merchant.id) == 1
    final = await http.post("/v1/payments", json=body, headers=merchant.headers("conc"))
    assert final.status_code == 200
    pid = final.json()["id"]
    assert [e["operation"] for e in simulator.effects(pid)] == ["authorize", "capture"]


async def test_a_used_key_with_another_body_is_refused_and_changes_nothing(
    http: httpx.AsyncClient, client: Client, merchant: Merchant
) -> None:
    first = await http.post("/v1/payments", json=payment_body(500), headers=merchant.headers("k"))
    again = await http.post("/v1/payments", json=payment_body(501), headers=merchant.headers("k"))
    assert again.status_code == 422
    err = again.json()["error"]
    assert (err["type"], err["code"]) == ("idempotency_error", "idempotency_key_reused")
    pid = first.json()["id"]
    view = (await http.get(f"/v1/payments/{pid}", headers=merchant.headers())).json()
    assert view["amount"] == 500 and await count_payments(client, merchant.id) == 1
    # The same key on another endpoint is a different request, too.
    other = await http.post(f"/v1/payments/{pid}/refunds", json={}, headers=merchant.headers("k"))
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert (await http.get(f"/v1/payments/{pid}", headers=merchant.headers())).json() == view


async def test_keys_are_scoped_per_merchant(
    http: httpx.AsyncClient, client: Client, merchant: Merchant, other_merchant: Merchant
) -> None:
    a = await http.post("/v1/payments", json=payment_body(), headers=merchant.headers("same"))
    b = await http.post("/v1/payments", json=payment_body(), headers=other_merchant.headers("same"))
    assert a.status_code == b.status_code == 200
    assert a.json()["id"] != b.json()["id"]
    assert "idempotent-replayed" not in b.headers


async def test_concurrent_partial_refunds_never_exceed_the_captured_amount(
    http: httpx.AsyncClient, merchant: Merchant, simulator: Simulator
) -> None:
    pid = (
        await http.post("/v1/payments", json=payment_body(1000), headers=merchant.headers("r"))
    ).json()["id"]
    answers = await asyncio.gather(
        *(
            http.post(
                f"/v1/payments/{pid}/refunds",
                json={"amount": 300},
                headers=merchant.headers(f"refund-{i}"),
            )
            for i in range(6)
        )
    )
    made = [a for a in answers if a.status_code == 200]
    assert len(made) == 3, [a.text for a in answers]
    assert {a.status_code for a in answers} <= {200, 409, 422}
    refunded = sum(e["amount"] for e in simulator.effects(pid) if e["operation"] == "refund")
    assert refunded == 900
    view = (await http.get(f"/v1/payments/{pid}", headers=merchant.headers())).json()
    assert view["amount_refunded"] == 900


async def test_capture_and_refund_keys_make_those_operations_idempotent(
    http: httpx.AsyncClient, merchant: Merchant, simulator: Simulator
) -> None:
    body = payment_body(900, capture_method="manual")
    pid = (await http.post("/v1/payments", json=body, headers=merchant.headers("m"))).json()["id"]
    url = f"/v1/payments/{pid}"
    caps = [await http.post(f"{url}/capture", json={"amount": 600}, headers=merchant.headers("c"))
            for _ in range(3)]  # fmt: skip
    assert len({c.content for c in caps}) == 1 and caps[0].status_code == 200
    refs = [await http.post(f"{url}/refunds", json={"amount": 100}, headers=merchant.headers("r"))
            for _ in range(3)]  # fmt: skip
    assert len({r.content for r in refs}) == 1 and refs[0].status_code == 200
    ops = [e["operation"] for e in simulator.effects(pid)]
    assert ops.count("capture") == 1 and ops.count("refund") == 1
