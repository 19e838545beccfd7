"""Reconciliation rules on plain data: no Temporal, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from payments.models import CardFacts, PaymentView
from payments.reconcile import FindingKind, compare_payment, ledger_findings, stuck
from payments.status import PaymentStatus

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _view(status: PaymentStatus, captured: int = 0, refunded: int = 0) -> PaymentView:
    card = CardFacts(token="pm_" + "a" * 16, brand="visa", last4="4242", exp_month=1, exp_year=2030)
    return PaymentView(
        payment_id="pay_1", merchant_id="m_1", status=status, currency="USD", amount=1000,
        amount_authorized=1000, amount_captured=captured, amount_refunded=refunded,
        capture_method="automatic", card=card, customer_id=None, description=None, metadata={},
        processor="primary", authorization_id="auth_1", failure=None, refunds=[],
        transitions=[], attempts=[], created_at=NOW,
    )  # fmt: skip


def _e(operation: str, amount: int) -> dict[str, Any]:
    return {"operation": operation, "amount": amount}


def test_matching_payment_has_no_finding() -> None:
    view = _view(PaymentStatus.PARTIALLY_REFUNDED, captured=1000, refunded=300)
    ledger = [_e("authorize", 1000), _e("capture", 1000), _e("refund", 300)]
    assert compare_payment(view, {"primary": ledger, "secondary": []}) == []


def test_amount_differences_and_foreign_holds_are_mismatches() -> None:
    view = _view(PaymentStatus.CAPTURED, captured=1000)
    found = compare_payment(
        view,
        {"primary": [_e("authorize", 1000), _e("capture", 900)],
         "secondary": [_e("authorize", 1000)]},
    )  # fmt: skip
    assert [(f.kind, f.processor) for f in found] == [
        (FindingKind.MISMATCH, "primary"),
        (FindingKind.MISMATCH, "secondary"),
    ]
    assert "captured 1000 per payment, 900 per ledger" in found[0].detail


def test_canceled_payment_with_an_unreleased_hold() -> None:
    found = compare_payment(_view(PaymentStatus.CANCELED), {"primary": [_e("authorize", 1000)]})
    assert "never released" in found[0].detail
    released = {"primary": [_e("authorize", 1000), _e("void", 1000)]}
    assert compare_payment(_view(PaymentStatus.CANCELED), released) == []


def test_stuck_only_when_moving_and_old() -> None:
    old = NOW - timedelta(seconds=901)
    assert stuck("pay_1", "m", "pending", old, NOW, 900) is not None
    assert stuck("pay_1", "m", "outcome_unknown", old, NOW, 900) is not None
    assert stuck("pay_1", "m", "authorized", old, NOW, 900) is None
    assert stuck("pay_1", "m", "pending", NOW - timedelta(seconds=10), NOW, 900) is None


def test_ledger_invariants() -> None:
    merchant = {"merchant_id": "m_1", "currency": "USD", "credited": 700, "captured": 1000,
                "refunded": 200}  # fmt: skip
    check = {"balanced": False, "negative_accounts": ["acct_1"], "merchants": [merchant]}
    found = ledger_findings("primary", check)
    assert len(found) == 3 and {f.kind for f in found} == {FindingKind.LEDGER_INVARIANT}
    fixed = {**merchant, "credited": 800}
    clean = {"balanced": True, "negative_accounts": [], "merchants": [fixed]}
    assert ledger_findings("primary", clean) == []
