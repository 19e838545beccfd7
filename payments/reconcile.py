"""Reconciliation rules: compare each payment's view with the processors' ledgers.

Pure functions over plain data, so the rules are tested without Temporal or HTTP. They only
report: money is never "fixed" here, an operator decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field

from payments.models import Frozen, PaymentView
from payments.public import IN_PROGRESS
from payments.status import PaymentStatus

ATTENTION_CLEAN = "clean"


class FindingKind(StrEnum):
    """What reconciliation can find; values go into ``PaymentAttention`` and metric labels."""

    MISMATCH = "mismatch"
    """The payment and a processor ledger disagree about money."""
    STUCK = "stuck"
    """Not in a resting status after ``stuck_after_seconds``."""
    LEDGER_INVARIANT = "ledger_invariant"
    """A processor ledger is unbalanced, overdrawn or its merchant totals disagree."""
    UNREADABLE = "unreadable"
    """The payment's view could not be read (no worker, or the query failed)."""


class ReconcileInput(Frozen):
    """One reconciliation run's scope."""

    task_queue: str | None = None
    """Only payments started on this task queue (None: every payment)."""
    lookback_seconds: int = Field(default=8 * 86400, gt=0)
    stuck_after_seconds: int = Field(default=900, gt=0)
    settle_seconds: int = Field(default=60, ge=0)
    """Payments that changed more recently are still moving and are not compared."""


class Finding(Frozen):
    """One problem, with enough to act on it; never card data."""

    kind: FindingKind
    payment_id: str | None = None
    merchant_id: str | None = None
    processor: str | None = None
    detail: str


class ReconcileReport(Frozen):
    """What one run checked and found."""

    run_id: str
    at: datetime
    payments_checked: int
    findings: list[Finding]

    @property
    def attention(self) -> str:
        """``clean`` or the kinds found, sorted and comma-joined (``PaymentAttention``)."""
        kinds = sorted({f.kind.value for f in self.findings})
        return ",".join(kinds) or ATTENTION_CLEAN


Effect = Mapping[str, Any]
_OPEN_HOLD_END = frozenset({PaymentStatus.CANCELED, PaymentStatus.EXPIRED, PaymentStatus.FAILED})


def _sum(effects: Iterable[Effect], operation: str) -> int:
    return sum(int(e["amount"]) for e in effects if e["operation"] == operation)


def compare_payment(view: PaymentView, ledgers: Mapping[str, Sequence[Effect]]) -> list[Finding]:
    """Every disagreement between one payment and the effects each processor applied for it.

    ``ledgers`` maps processor name to that processor's effects for this payment.
    """
    found: list[Finding] = []

    def report(processor: str, detail: str) -> None:
        found.append(
            Finding(
                kind=FindingKind.MISMATCH,
                payment_id=view.payment_id,
                merchant_id=view.merchant_id,
                processor=processor,
                detail=detail,
            )
        )

    for name, effects in ledgers.items():
        ours = name == view.processor
        captured, refunded = _sum(effects, "capture"), _sum(effects, "refund")
        want_captured = view.amount_captured if ours else 0
        want_refunded = view.amount_refunded if ours else 0
        if captured != want_captured:
            report(name, f"captured {want_captured} per payment, {captured} per ledger")
        if refunded != want_refunded:
            report(name, f"refunded {want_refunded} per payment, {refunded} per ledger")
        holds = sum(1 for e in effects if e["operation"] == "authorize")
        if holds and not ours:
            report(name, f"{holds} authorization(s) on a processor the payment does not use")
        if ours and view.status in _OPEN_HOLD_END and holds and not captured:
            released = any(e["operation"] in ("void", "expire") for e in effects)
            if not released:
                report(name, f"payment is {view.status.value} but the hold was never released")
    return found


def stuck(
    payment_id: str,
    merchant_id: str | None,
    status: str,
    since: datetime,
    now: datetime,
    limit: int,
) -> Finding | None:
    """A finding if a payment has been pending or unknown for longer than ``limit`` seconds."""
    moving = status in (
        PaymentStatus.PENDING.value,
        PaymentStatus.OUTCOME_UNKNOWN.value,
        IN_PROGRESS,
    )
    age = now - since
    if not moving or age <= timedelta(seconds=limit):
        return None
    return Finding(
        kind=FindingKind.STUCK,
        payment_id=payment_id,
        merchant_id=merchant_id,
        detail=f"{status} for {int(age.total_seconds())} s (limit {limit} s)",
    )


def ledger_findings(processor: str, check: Mapping[str, Any]) -> list[Finding]:
    """Findings from one processor's ledger check (``processors.models.LedgerCheck`` as data)."""
    found: list[Finding] = []

    def report(detail: str, merchant: str | None = None) -> None:
        kind = FindingKind.LEDGER_INVARIANT
        found.append(Finding(kind=kind, processor=processor, merchant_id=merchant, detail=detail))

    if not check["balanced"]:
        report("postings do not balance")
    for account in check["negative_accounts"]:
        report(f"account {account} is overdrawn")
    for m in check["merchants"]:
        if m["credited"] != m["captured"] - m["refunded"]:
            detail = (
                f"{m['currency']}: credited {m['credited']} but captured {m['captured']}"
                f" minus refunded {m['refunded']}"
            )
            report(detail, m["merchant_id"])
    return found
