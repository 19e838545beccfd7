"""Ledger invariants after a mixed run, and no card data at rest."""

from sim_support import MASTERCARD, VISA, Sim, card, uid

ALL_CARDS = [
    VISA, MASTERCARD, "4000000000000002", "4000000000009995", "4000000000000069",
    "4000000000000127", "4000000000009979", "4000000000009987", "4000000000000119",
    "4000000000000507", "4000000000002503", "4000056655665556", "378282246310005",
]  # fmt: skip


def _mixed_run(sim: Sim, merchant: str) -> None:
    for number in ALL_CARDS:
        for currency in ("USD", "JPY"):
            sim.post("/v1/cards/verify", {**card(number), "cvc": "321"})
            sim.authorize(3, number, currency=currency, merchant_id=merchant)
    captured = sim.authorize(9000, merchant_id=merchant).json()["id"]
    sim.capture(captured, 8000)
    sim.refund(captured, 3000)
    sim.void(sim.authorize(500, MASTERCARD, merchant_id=merchant).json()["id"])
    sim.authorize(700, merchant_id=merchant)


def test_ledger_balanced_after_mixed_run(sim: Sim) -> None:
    merchant = uid("m")
    _mixed_run(sim, merchant)
    check = sim.ledger()
    assert check["balanced"] is True
    assert check["negative_accounts"] == []
    usd = next(
        m for m in check["merchants"] if (m["merchant_id"], m["currency"]) == (merchant, "USD")
    )
    assert usd == {"merchant_id": merchant, "currency": "USD", "credited": 5000,
                   "captured": 8000, "refunded": 3000}  # fmt: skip


def test_effects_list_every_applied_operation(sim: Sim) -> None:
    payment_id = uid("pay")
    auth_id = sim.authorize(900, payment_id=payment_id).json()["id"]
    body = {"amount": 900, "payment_id": payment_id, "step": "capture"}
    sim.post(f"/v1/authorizations/{auth_id}/capture", body, uid("key"))
    for refund_no in (1, 2):
        body = {"authorization_id": auth_id, "amount": 300, "payment_id": payment_id,
                "step": f"refund:{refund_no}"}  # fmt: skip
        sim.post("/v1/refunds", body, uid("key"))
    report = sim.effects(payment_id)
    ops = [(e["operation"], e["step"], e["amount"]) for e in report["effects"]]
    assert ops == [("authorize", "authorize", 900), ("capture", "capture", 900),
                   ("refund", "refund:1", 300), ("refund", "refund:2", 300)]  # fmt: skip
    assert {a["step"]: a["count"] for a in report["attempts"]} == {
        "authorize": 1, "capture": 1, "refund:1": 1, "refund:2": 1,
    }  # fmt: skip


def test_no_card_number_at_rest_or_in_logs(sim: Sim) -> None:
    _mixed_run(sim, uid("m"))
    files = [sim.db_path, sim.db_path.with_name(sim.db_path.name + "-wal"), sim.log_path]
    blobs = [path.read_bytes() for path in files if path.exists()]
    assert blobs, "expected the database file to exist"
    for number in ALL_CARDS:
        for blob in blobs:
            assert number.encode() not in blob
            assert number.encode("utf-16-le") not in blob
