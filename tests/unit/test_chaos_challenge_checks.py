"""The chaos check for 3-D Secure: one authentication each, money only after an approval."""

from __future__ import annotations

from typing import Any

from chaos.challenge_checks import challenges
from chaos.evidence import Evidence, Histories, Ledger
from chaos.plans import Kind, Plan
from payments.money import Currency

DECIDED = "2026-12-02T10:00:05+00:00"
LEDGER: dict[str, Any] = {"balanced": True, "negative_accounts": [], "merchants": [],
                          "open_holds": []}  # fmt: skip


def _plan(index: int, kind: Kind) -> Plan:
    return Plan(index=index, payment_id=f"pay_{index}", kind=kind, merchant="m",
                currency=Currency.USD, amount=500, card=0)  # fmt: skip


def _effect(pid: str, operation: str, at: str = "2026-12-02T10:00:06+00:00") -> dict[str, Any]:
    return {"payment_id": pid, "step": operation, "operation": operation, "amount": 500,
            "created_at": at}  # fmt: skip


def _auth(state: str) -> dict[str, Any]:
    return {"flow": "challenge", "state": state, "decided_at": DECIDED, "ledger": "simulator"}


PLANS = [_plan(1, Kind.CHALLENGE_APPROVE), _plan(2, Kind.CHALLENGE_DENY),
         _plan(3, Kind.CHALLENGE_TIMEOUT), _plan(4, Kind.AUTO)]  # fmt: skip
AUTHS = {"pay_1": [_auth("authenticated")], "pay_2": [_auth("failed")],
         "pay_3": [_auth("expired")]}  # fmt: skip
EFFECTS = [
    _effect("pay_1", "authorize"),
    _effect("pay_1", "capture"),
    _effect("pay_4", "authorize"),
]


def _evidence(effects: list[dict[str, Any]] = EFFECTS, auths: dict[str, Any] = AUTHS,
              kills: tuple[float, ...] = (12.0,)) -> Evidence:  # fmt: skip
    ledger = Ledger("primary", effects, [], LEDGER, {})
    return Evidence(views={}, driver_errors={}, ledgers=[ledger], histories=Histories(),
                    log_hits=[], authentications=auths,
                    challenge_windows={"pay_1": (10.0, 14.0), "pay_3": (10.0, 35.0)},
                    kill_times=list(kills))  # fmt: skip


def _problems(ev: Evidence) -> list[str]:
    verdict = challenges(PLANS, ev)
    assert verdict is not None
    assert verdict.passed == (not verdict.problems)
    return verdict.problems


def test_the_planned_outcomes_pass_and_a_kill_inside_a_wait_is_counted() -> None:
    verdict = challenges(PLANS, _evidence())
    assert verdict is not None and verdict.passed, verdict
    assert "2 of them waited through a worker SIGKILL" in verdict.detail


def test_a_second_authorization_of_an_approved_challenge_fails() -> None:
    assert _problems(_evidence([*EFFECTS, _effect("pay_1", "authorize")])) == [
        "pay_1: 2 authorize effects, want exactly one"
    ]


def test_an_authorization_before_the_approval_fails() -> None:
    early = [_effect("pay_1", "authorize", "2026-12-02T10:00:01+00:00")]
    assert _problems(_evidence(early)) == ["pay_1: authorized before its challenge was approved"]


def test_money_moved_on_a_denied_or_unanswered_challenge_fails() -> None:
    problems = _problems(_evidence([*EFFECTS, _effect("pay_2", "authorize"),
                                    _effect("pay_3", "authorize")]))  # fmt: skip
    assert problems == ["pay_2 (challenge_deny): 1 effects, want none",
                        "pay_3 (challenge_timeout): 1 effects, want none"]  # fmt: skip


def test_two_authentications_or_the_wrong_end_state_fail() -> None:
    auths = {**AUTHS, "pay_1": [_auth("authenticated"), _auth("challenge")],
             "pay_2": [_auth("authenticated")]}  # fmt: skip
    assert [p.split(":")[0] for p in _problems(_evidence(auths=auths))] == [
        "pay_1 (challenge_approve)",
        "pay_2 (challenge_deny)",
    ]


def test_no_kill_during_a_challenge_wait_fails_the_run() -> None:
    assert _problems(_evidence(kills=(5.0, 40.0))) == [
        "no worker was SIGKILLed while a payment waited for its challenge"
    ]


def test_a_run_without_challenge_cards_has_no_such_check() -> None:
    assert challenges([_plan(4, Kind.AUTO)], _evidence()) is None
