"""Holds: capture, void, refunds, single resolution and expiry."""

import time

from sim_support import Sim


def _auth(sim: Sim, amount: int = 10_000, **extra: object) -> str:
    resp = sim.authorize(amount, **extra)
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


def test_partial_capture_releases_the_rest(sim: Sim) -> None:
    number = "4000056655665556"  # A card no other test uses, so its balance is exact.
    auth_id = _auth(sim, 300_000, number=number)
    balance = {"card": {"number": number, "exp_month": 1, "exp_year": 2099}, "currency": "USD"}
    assert sim.post("/v1/balance_inquiries", balance).json()["available"] == 700_000
    resp = sim.capture(auth_id, 120_000)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["id"].startswith("cap_")
    assert (body["authorization_id"], body["amount"], body["status"]) == (
        auth_id, 120_000, "captured",
    )  # fmt: skip
    assert sim.post("/v1/balance_inquiries", balance).json()["available"] == 880_000
    hold = sim.hold(auth_id)
    assert (hold["state"], hold["captured_amount"], hold["amount"]) == (
        "captured",
        120_000,
        300_000,
    )


def test_capture_above_hold_is_refused(sim: Sim) -> None:
    auth_id = _auth(sim, 1000)
    resp = sim.capture(auth_id, 1001)
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "amount_too_large"
    assert sim.hold(auth_id)["state"] == "pending"
    assert sim.capture(auth_id, 1000).status_code == 200


def test_unknown_authorization(sim: Sim) -> None:
    resp = sim.capture("auth_nope", 10)
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "authorization_not_found"


def test_void(sim: Sim) -> None:
    auth_id = _auth(sim)
    resp = sim.void(auth_id)
    assert resp.json() == {"authorization_id": auth_id, "status": "voided"}
    assert sim.hold(auth_id)["state"] == "voided"
    again = sim.void(auth_id)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "authorization_voided"
    capture = sim.capture(auth_id, 10)
    assert capture.json()["error"]["code"] == "authorization_voided"


def test_hold_resolves_at_most_once(sim: Sim) -> None:
    auth_id = _auth(sim)
    assert sim.capture(auth_id, 5000).status_code == 200
    void = sim.void(auth_id)
    assert void.status_code == 409
    assert void.json()["error"]["code"] == "authorization_already_captured"
    second = sim.capture(auth_id, 1000)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "authorization_already_captured"
    assert sim.hold(auth_id)["captured_amount"] == 5000


def test_refunds_up_to_captured(sim: Sim) -> None:
    auth_id = _auth(sim)
    pending = sim.refund(auth_id, 100)
    assert pending.status_code == 409
    assert pending.json()["error"]["code"] == "authorization_not_captured"
    sim.capture(auth_id, 6000)
    first = sim.refund(auth_id, 2500)
    assert first.status_code == 201
    assert first.json()["id"].startswith("re_")
    assert first.json()["status"] == "succeeded"
    assert sim.refund(auth_id, 3000).status_code == 201
    too_much = sim.refund(auth_id, 501)
    assert too_much.status_code == 422
    assert too_much.json()["error"]["code"] == "amount_too_large"
    assert sim.refund(auth_id, 500).status_code == 201
    assert sim.hold(auth_id)["refunded_amount"] == 6000
    assert sim.refund(auth_id, 1).status_code == 422


def test_expiry_by_admin_sweep_and_lazily(sim: Sim) -> None:
    swept = _auth(sim, hold_ttl_seconds=1)
    touched = _auth(sim, hold_ttl_seconds=1)
    voided = _auth(sim, hold_ttl_seconds=1)
    time.sleep(1.2)
    late = sim.capture(touched, 100)
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "authorization_expired"
    assert sim.void(voided).json() == {"authorization_id": voided, "status": "expired"}
    result = sim.http.post("/v1/admin/holds/expire").json()
    assert result["expired"] >= 1
    assert sim.hold(swept)["state"] == "expired"
    assert sim.hold(touched)["state"] == "expired"
    assert sim.http.post("/v1/admin/holds/expire").json() == {"expired": 0}
    assert swept not in {h["id"] for h in sim.ledger()["open_holds"]}
