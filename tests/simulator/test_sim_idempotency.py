"""Idempotency keys: replays, conflicts, concurrency, status inquiry and validation."""

import asyncio
from typing import Any

import httpx
import pytest
from sim_support import VISA, Sim, card, uid


def _auth_body(payment_id: str, amount: int = 700) -> dict[str, Any]:
    return {"card": card(VISA), "amount": amount, "currency": "USD", "merchant_id": "m_idem",
            "payment_id": payment_id, "step": "authorize"}  # fmt: skip


def test_same_key_same_body_replays_one_effect(sim: Sim) -> None:
    key, payment_id = uid("key"), uid("pay")
    first = sim.post("/v1/authorizations", _auth_body(payment_id), key)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    for _ in range(50):
        again = sim.post("/v1/authorizations", _auth_body(payment_id), key)
        assert again.status_code == 201
        assert again.content == first.content
        assert again.headers["Idempotent-Replayed"] == "true"
    report = sim.effects(payment_id)
    assert len(report["effects"]) == 1
    assert report["attempts"][0]["count"] == 51


def test_declines_are_replayed_too(sim: Sim) -> None:
    key, body = uid("key"), _auth_body(uid("pay"))
    body["card"] = card("4000000000000002")
    first = sim.post("/v1/authorizations", body, key)
    again = sim.post("/v1/authorizations", body, key)
    assert first.status_code == again.status_code == 402
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"


def test_same_key_different_body_is_refused(sim: Sim) -> None:
    key, payment_id = uid("key"), uid("pay")
    first = sim.post("/v1/authorizations", _auth_body(payment_id), key)
    auth_id = first.json()["id"]
    other = sim.post("/v1/authorizations", _auth_body(payment_id, amount=701), key)
    assert other.status_code == 422
    assert other.json()["error"]["type"] == "idempotency_error"
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    capture = sim.capture(auth_id, 100, key=key)  # Same key on another path.
    assert capture.status_code == 422
    assert sim.hold(auth_id)["state"] == "pending"
    assert len(sim.effects(payment_id)["effects"]) == 1
    status = sim.http.get(f"/v1/requests/{key}").json()
    assert status["body"] == first.json()


async def test_concurrent_identical_requests_make_one_hold(sim: Sim) -> None:
    key, payment_id = uid("key"), uid("pay")
    async with httpx.AsyncClient(base_url=sim.url, timeout=20) as client:
        responses = await asyncio.gather(*[
            client.post("/v1/authorizations", json=_auth_body(payment_id),
                        headers={"Idempotency-Key": key})
            for _ in range(20)
        ])  # fmt: skip
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 19
    assert len(sim.effects(payment_id)["effects"]) == 1
    holds = [h for h in sim.ledger()["open_holds"] if h["payment_id"] == payment_id]
    assert len(holds) == 1


def test_status_inquiry(sim: Sim) -> None:
    key = uid("key")
    missing = sim.http.get(f"/v1/requests/{key}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "request_not_found"
    done = sim.post("/v1/authorizations", _auth_body(uid("pay")), key)
    found = sim.http.get(f"/v1/requests/{key}")
    assert found.json() == {"idempotency_key": key, "status_code": 201, "body": done.json()}


def test_idempotency_key_required_and_checked(sim: Sim) -> None:
    body = _auth_body(uid("pay"))
    missing = sim.post("/v1/authorizations", body)
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "idempotency_key_missing"
    for bad in ["x" * 256, "tab\there", ""]:
        resp = sim.post("/v1/authorizations", body, bad)
        assert resp.status_code == 400
        assert resp.json()["error"]["code"] == "idempotency_key_invalid"


@pytest.mark.parametrize(
    ("change", "code", "param"),
    [
        ({"amount": 10.0}, "parameter_invalid", "amount"),
        ({"amount": "10"}, "parameter_invalid", "amount"),
        ({"amount": True}, "parameter_invalid", "amount"),
        ({"amount": 0}, "parameter_invalid", "amount"),
        ({"amount": -5}, "parameter_invalid", "amount"),
        ({"surprise": 1}, "parameter_unknown", "surprise"),
        ({"amount": None}, "parameter_invalid", "amount"),
    ],
)
def test_body_validation(sim: Sim, change: dict[str, Any], code: str, param: str) -> None:
    key = uid("key")
    resp = sim.post("/v1/authorizations", {**_auth_body(uid("pay")), **change}, key)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert (error["type"], error["code"]) == ("invalid_request_error", code)
    assert param in error["message"]
    assert VISA not in resp.text
    # Nothing ran, so nothing is stored under the key.
    assert sim.http.get(f"/v1/requests/{key}").status_code == 404


def test_missing_parameter_and_bad_json(sim: Sim) -> None:
    body = _auth_body(uid("pay"))
    del body["merchant_id"]
    resp = sim.post("/v1/authorizations", body, uid("key"))
    assert resp.json()["error"]["code"] == "parameter_missing"
    assert "merchant_id" in resp.json()["error"]["message"]
    raw = sim.http.post("/v1/refunds", content=b"{nope", headers={"Idempotency-Key": uid("k")})
    assert raw.status_code == 400
    assert raw.json()["error"]["code"] == "invalid_json"


async def test_concurrent_captures_and_voids_resolve_once(sim: Sim) -> None:
    auth_id = sim.authorize(2000).json()["id"]
    async with httpx.AsyncClient(base_url=sim.url, timeout=20) as client:
        calls = [
            client.post(f"/v1/authorizations/{auth_id}/{action}", json=body,
                        headers={"Idempotency-Key": uid("key")})
            for action, body in [("capture", {"amount": 2000, "payment_id": "p", "step": "c"}),
                                 ("void", {"payment_id": "p", "step": "v"})] * 10
        ]  # fmt: skip
        responses = await asyncio.gather(*calls)
    assert sorted(r.status_code for r in responses) == [200] + [409] * 19
    assert sim.ledger()["balanced"] is True
