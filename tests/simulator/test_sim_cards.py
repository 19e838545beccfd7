"""Test cards: approvals, scripted declines, prepaid balances and validation."""

import pytest
from sim_support import MASTERCARD, VISA, Sim, card, uid


@pytest.mark.parametrize("number", [VISA, MASTERCARD, "378282246310005"])
def test_approving_cards(sim: Sim, number: str) -> None:
    resp = sim.authorize(1234, number)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["status"] == "approved"
    assert body["id"].startswith("auth_")
    assert body["last4"] == number[-4:]
    assert (body["amount"], body["currency"]) == (1234, "USD")


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("4000000000000002", "generic_decline"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
        ("4000000000000127", "incorrect_cvc"),
        ("4000000000009979", "stolen_card"),
        ("4000000000009987", "lost_card"),
    ],
)
def test_declining_cards(sim: Sim, number: str, reason: str) -> None:
    resp = sim.authorize(100, number)
    assert resp.status_code == 402
    error = resp.json()["error"]
    assert error["type"] == "card_error"
    assert error["code"] == "card_declined"
    assert error["decline_code"] == reason
    assert number not in resp.text


def test_card_expired_in_the_past_declines(sim: Sim) -> None:
    body = {"card": card(VISA, exp_year=2020), "amount": 100, "currency": "USD",
            "merchant_id": "m", "payment_id": uid("pay"), "step": "authorize"}  # fmt: skip
    resp = sim.post("/v1/authorizations", body, uid("key"))
    assert resp.status_code == 402
    assert resp.json()["error"]["decline_code"] == "expired_card"


def test_processing_error_card_succeeds_on_third_attempt(sim: Sim) -> None:
    key, payment_id = uid("key"), uid("pay")
    statuses = [
        sim.authorize(500, "4000000000000119", key=key, payment_id=payment_id).status_code
        for _ in range(4)
    ]
    assert statuses == [503, 503, 201, 201]
    report = sim.effects(payment_id)
    assert [e["operation"] for e in report["effects"]] == ["authorize"]
    assert report["attempts"] == [{"payment_id": payment_id, "step": "authorize", "count": 4}]


@pytest.mark.parametrize(
    ("number", "currency", "balance"),
    [
        ("4000000000000507", "USD", 500),
        ("4000000000000507", "JPY", 5),
        ("4000000000000507", "KWD", 5000),
        ("4000000000002503", "EUR", 2500),
    ],
)
def test_prepaid_balance_and_insufficient_funds(
    sim: Sim, number: str, currency: str, balance: int
) -> None:
    inquiry = sim.post("/v1/balance_inquiries", {"card": card(number), "currency": currency})
    assert inquiry.status_code == 200
    available = inquiry.json()["available"]
    assert inquiry.json()["funding"] == "prepaid"
    assert available <= balance  # Earlier tests may already hold part of it.
    over = sim.authorize(available + 1, number, currency=currency)
    assert over.json()["error"]["decline_code"] == "insufficient_funds"
    if available:
        assert sim.authorize(available, number, currency=currency).status_code == 201
    after = sim.post("/v1/balance_inquiries", {"card": card(number), "currency": currency})
    assert after.json()["available"] == 0


def test_balance_inquiry(sim: Sim) -> None:
    broke = sim.post("/v1/balance_inquiries", {"card": card("4000000000009995"), "currency": "USD"})
    assert broke.json() == {"available": 0, "currency": "USD", "funding": "credit"}
    fresh = sim.post("/v1/balance_inquiries", {"card": card("4111111111111111"), "currency": "GBP"})
    assert fresh.json() == {"available": 1_000_000, "currency": "GBP", "funding": "credit"}


def test_invalid_number_and_currency(sim: Sim) -> None:
    bad = sim.authorize(100, "4242424242424241")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_number"
    assert "4242424242424241" not in bad.text
    currency = sim.authorize(100, VISA, currency="XYZ")
    assert currency.status_code == 400
    assert currency.json()["error"]["code"] == "invalid_currency"


def test_verify(sim: Sim) -> None:
    ok = sim.post("/v1/cards/verify", {**card(MASTERCARD), "cvc": "123"})
    assert ok.json() == {"brand": "mastercard", "last4": "4444", "funding": "credit"}
    prepaid = sim.post("/v1/cards/verify", {**card("4000000000000507"), "cvc": "123"})
    assert prepaid.json()["funding"] == "prepaid"
    bad_cvc = sim.post("/v1/cards/verify", {**card("4000000000000127"), "cvc": "999"})
    assert bad_cvc.status_code == 402
    assert bad_cvc.json()["error"]["decline_code"] == "incorrect_cvc"
    # Issuer declines are the authorization's business, not verification's.
    for number in ("4000000000009979", "4000000000000002", "4000000000009995"):
        assert sim.post("/v1/cards/verify", {**card(number), "cvc": "999"}).status_code == 200
    expired = sim.post("/v1/cards/verify", {**card(VISA, exp_year=2001), "cvc": "123"})
    assert expired.json()["error"]["decline_code"] == "expired_card"
