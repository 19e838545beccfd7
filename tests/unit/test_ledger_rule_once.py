"""The processor-ledger invariant is stated once (``payments.reconcile.ledger_findings``) and the
chaos harness's verdict is built from it, so the two can never disagree."""

from __future__ import annotations

from typing import Any

import pytest

from chaos import checks
from chaos.evidence import Evidence, Histories, Ledger
from payments.reconcile import Finding, FindingKind, ledger_findings

CLEAN: dict[str, Any] = {
    "balanced": True,
    "negative_accounts": [],
    "merchants": [
        {"merchant_id": "m", "currency": "USD", "credited": 70, "captured": 100, "refunded": 30}
    ],
    "open_holds": [],
}


def _evidence(check: dict[str, Any]) -> Evidence:
    ledger = Ledger("primary", effects=[], attempts=[], check=check, outcomes={})
    return Evidence(views={}, driver_errors={}, ledgers=[ledger], histories=Histories(),
                    log_hits=[])  # fmt: skip


def test_the_chaos_verdict_uses_reconciliations_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    said = Finding(kind=FindingKind.LEDGER_INVARIANT, processor="primary", detail="said once")
    monkeypatch.setattr(checks, "ledger_findings", lambda name, check: [said])
    verdict = checks.ledger_invariants(_evidence(CLEAN))
    assert not verdict.passed
    assert verdict.problems == ["primary: said once"]


@pytest.mark.parametrize(
    "broken",
    [
        {"balanced": False},
        {"negative_accounts": ["merchant:m:USD"]},
        {"merchants": [{**CLEAN["merchants"][0], "credited": 71}]},
        {},
    ],
)
def test_chaos_and_reconciliation_agree(broken: dict[str, Any]) -> None:
    check = {**CLEAN, **broken}
    verdict = checks.ledger_invariants(_evidence(check))
    assert len(verdict.problems) == len(ledger_findings("primary", check))
    assert verdict.passed is (broken == {})
