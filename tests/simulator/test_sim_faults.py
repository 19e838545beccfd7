"""Fault injection: outage, error rate, latency and effect-then-timeout."""

import time

import httpx
import pytest
from sim_support import VISA, Sim, card, uid

pytestmark = pytest.mark.usefixtures("no_faults")


def test_fault_config_round_trip(sim: Sim) -> None:
    put = sim.http.put("/v1/admin/faults", json={"latency_ms": 5, "operations": ["capture"]})
    assert put.status_code == 200
    assert put.json()["latency_ms"] == 5
    assert sim.http.get("/v1/admin/faults").json() == put.json()
    bad = sim.http.put("/v1/admin/faults", json={"error_rate": 2})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "parameter_invalid"
    reset = sim.http.delete("/v1/admin/faults").json()
    assert (reset["latency_ms"], reset["outage"], reset["operations"]) == (0, False, None)


def test_outage(sim: Sim) -> None:
    sim.http.put("/v1/admin/faults", json={"outage": True})
    payment_id = uid("pay")
    resp = sim.authorize(100, payment_id=payment_id)
    assert resp.status_code == 503
    assert resp.json()["error"]["code"] == "service_unavailable"
    balance = sim.post("/v1/balance_inquiries", {"card": card(VISA), "currency": "USD"})
    assert balance.status_code == 503
    assert sim.http.get("/healthz").json() == {"status": "ok"}
    assert sim.http.get("/v1/admin/ledger/check").status_code == 200
    report = sim.effects(payment_id)
    assert report["effects"] == []
    assert report["attempts"][0]["count"] == 1


def test_error_rate_has_no_effect_and_is_not_stored(sim: Sim) -> None:
    sim.http.put("/v1/admin/faults", json={"error_rate": 1.0, "operations": ["authorize"]})
    key, payment_id = uid("key"), uid("pay")
    failed = sim.authorize(100, key=key, payment_id=payment_id)
    assert failed.status_code == 500
    assert failed.json()["error"]["type"] == "api_error"
    assert sim.http.get(f"/v1/requests/{key}").status_code == 404
    sim.http.delete("/v1/admin/faults")
    assert sim.authorize(100, key=key, payment_id=payment_id).status_code == 201
    report = sim.effects(payment_id)
    assert len(report["effects"]) == 1
    assert report["attempts"][0]["count"] == 2


def test_partial_error_rate(sim: Sim) -> None:
    sim.http.put("/v1/admin/faults", json={"error_rate": 0.5, "operations": ["verify"]})
    codes = [
        sim.post("/v1/cards/verify", {**card(VISA), "cvc": "123"}).status_code for _ in range(40)
    ]
    assert set(codes) == {200, 500}


def test_latency_does_not_block_other_requests(sim: Sim) -> None:
    sim.http.put("/v1/admin/faults", json={"latency_ms": 1500, "operations": ["authorize"]})
    impatient = httpx.Client(base_url=sim.url, timeout=0.3)
    with impatient, pytest.raises(httpx.ReadTimeout):
        impatient.post("/v1/authorizations", json={}, headers={"Idempotency-Key": uid("k")})
    started = time.monotonic()
    assert sim.post("/v1/balance_inquiries", {"card": card(VISA), "currency": "USD"}).is_success
    assert time.monotonic() - started < 1.0


def test_effect_then_timeout_is_resolved_by_inquiry(sim: Sim) -> None:
    sim.http.put(
        "/v1/admin/faults",
        json={"effect_then_timeout_rate": 1.0, "hang_seconds": 3, "operations": ["authorize"]},
    )
    key, payment_id = uid("key"), uid("pay")
    body = {"card": card(VISA), "amount": 4200, "currency": "USD", "merchant_id": "m_t",
            "payment_id": payment_id, "step": "authorize"}  # fmt: skip
    client = httpx.Client(base_url=sim.url, timeout=1.0)
    with client, pytest.raises(httpx.ReadTimeout):
        client.post("/v1/authorizations", json=body, headers={"Idempotency-Key": key})
    status = sim.http.get(f"/v1/requests/{key}").json()
    assert status["status_code"] == 201
    assert status["body"]["amount"] == 4200
    effects = sim.effects(payment_id)["effects"]
    assert [(e["operation"], e["idempotency_key"]) for e in effects] == [("authorize", key)]


def test_inquiry_says_in_progress_while_a_slow_request_is_unanswered(sim: Sim) -> None:
    sim.http.put("/v1/admin/faults", json={"latency_ms": 1500, "operations": ["authorize"]})
    key = uid("key")
    slow = httpx.Client(base_url=sim.url, timeout=0.5)
    body = {"card": card(VISA), "amount": 100, "currency": "USD", "merchant_id": "m_t",
            "payment_id": uid("pay"), "step": "authorize"}  # fmt: skip
    with slow, pytest.raises(httpx.ReadTimeout):
        slow.post("/v1/authorizations", json=body, headers={"Idempotency-Key": key})
    try:
        busy = sim.http.get(f"/v1/requests/{key}")
        assert busy.status_code == 409
        assert busy.json()["error"]["code"] == "request_in_progress"
        time.sleep(1.5)
        assert sim.http.get(f"/v1/requests/{key}").json()["status_code"] == 201
    finally:
        sim.http.delete("/v1/admin/faults")
