"""The chaos checks for a Stripe secondary: duplicate PaymentIntents, views against its effects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chaos import checks
from chaos.evidence import Evidence, Histories, Ledger
from chaos.stripe_books import effect_row
from processors.books import Effect, EffectKind

PRIMARY: dict[str, Any] = {"balanced": True, "negative_accounts": [], "merchants": [],
                           "open_holds": []}  # fmt: skip


def _intent(pi_id: str, payment_id: str | None, status: str = "succeeded") -> dict[str, Any]:
    return {"id": pi_id, "payment_id": payment_id, "step": "authorize", "status": status,
            "amount": 100}  # fmt: skip


def _evidence(intents: list[dict[str, Any]], effects: list[dict[str, Any]]) -> Evidence:
    ledgers = [
        Ledger("primary", [], [], PRIMARY, {}),
        Ledger("secondary", effects, [], {"open_holds": []}, {}, books=False, intents=intents),
    ]
    return Evidence(views={}, driver_errors={}, ledgers=ledgers, histories=Histories(),
                    log_hits=[])  # fmt: skip


def test_two_payment_intents_for_one_payment_fail_the_run_whatever_their_status() -> None:
    ev = _evidence([_intent("pi_1", "pay_1"), _intent("pi_2", "pay_1", "requires_payment_method"),
                    _intent("pi_3", "pay_2")], [])  # fmt: skip
    verdict = checks.duplicate_intents(ev)
    assert not verdict.passed
    assert verdict.problems == ["pay_1 authorize: 2 PaymentIntents"]


def test_one_payment_intent_each_passes_and_the_check_runs_only_with_stripe() -> None:
    ev = _evidence([_intent("pi_1", "pay_1"), _intent("pi_2", "pay_2")], [])
    assert checks.duplicate_intents(ev).passed
    names = [v.name for v in checks.all_checks([], ev)[0]]
    assert checks.DUPLICATE_INTENTS in names
    ev.ledgers.pop()
    assert checks.DUPLICATE_INTENTS not in [v.name for v in checks.all_checks([], ev)[0]]


def test_stripe_has_no_books_so_only_the_simulator_ledger_is_judged() -> None:
    verdict = checks.ledger_invariants(_evidence([], []))
    assert verdict.passed and verdict.detail.endswith("on 1 ledgers")


def test_a_refund_effect_is_its_own_step_as_on_the_simulator() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    refund = Effect(operation=EffectKind.REFUND, payment_id="pay_1", amount=30, at=at,
                    reference="refund:re_1")  # fmt: skip
    capture = Effect(operation=EffectKind.CAPTURE, payment_id="pay_1", amount=100, at=at)
    assert effect_row(refund)["step"] == "refund:re_1"
    assert effect_row(capture) == {"payment_id": "pay_1", "step": "capture",
                                   "operation": "capture", "amount": 100}  # fmt: skip
