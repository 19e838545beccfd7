"""The verdicts: pure functions from plans and evidence to PASS/FAIL with the offending items."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from chaos.evidence import Evidence, Ledger
from chaos.plans import Plan, expected
from payments.models import PaymentView
from payments.reconcile import ledger_findings
from payments.status import PaymentStatus

SHOWN = 8  # offending items listed per check; the JSON report has all of them
DUPLICATES = "0 duplicate effects per (payment, step)"
DUPLICATE_INTENTS = "0 duplicate PaymentIntents per (payment, step)"


@dataclass(frozen=True)
class Verdict:
    """One check's outcome."""

    name: str
    passed: bool
    detail: str
    problems: list[str] = field(default_factory=list)


def _verdict(name: str, problems: list[str], detail: str) -> Verdict:
    return Verdict(name, not problems, detail, problems)


def _state_problem(plan: Plan, view: PaymentView | str, error: str | None) -> str | None:
    if isinstance(view, str):
        return f"{plan.payment_id} ({plan.kind}): no view: {view}"
    want = expected(plan)
    got = (view.status, view.amount_captured, view.amount_refunded,
           view.failure.code if view.failure else None)  # fmt: skip
    if got != (want.status, want.captured, want.refunded, want.failure_code):
        return f"{plan.payment_id} ({plan.kind}): expected {want}, got {got}; driver: {error}"
    return None


def states(plans: list[Plan], ev: Evidence) -> Verdict:
    """Every payment is in its plan's terminal or waiting state with the planned amounts."""
    found = (
        _state_problem(p, ev.views[p.payment_id], ev.driver_errors.get(p.payment_id)) for p in plans
    )
    problems = [p for p in found if p]
    return _verdict("0 lost: every payment in its expected state", problems,
                    f"{len(plans) - len(problems)}/{len(plans)} as planned")  # fmt: skip


def _effect_counts(ledgers: list[Ledger]) -> Counter[tuple[str, str]]:
    """Effects per (payment, step) over every processor: a hold on each is two authorizations."""
    return Counter((e["payment_id"], e["step"]) for lg in ledgers for e in lg.effects
                   if e["payment_id"])  # fmt: skip


def duplicates(ev: Evidence) -> Verdict:
    """No (payment, step) has more than one effect in the processor ledgers."""
    counts = _effect_counts(ev.ledgers)
    problems = [f"{pid} {step}: {n} effects" for (pid, step), n in counts.items() if n > 1]
    return _verdict(DUPLICATES, problems,
                    f"{sum(counts.values())} effects, {len(problems)} duplicated")  # fmt: skip


def crash_windows(ev: Evidence) -> tuple[Verdict, dict[str, int]]:
    """Attempts on steps that had an effect outnumber the effects: retries really happened.

    Only processors with a request log (the simulators) count attempts; Stripe has none.
    """
    counts = _effect_counts([lg for lg in ev.ledgers if lg.books])
    attempts: Counter[tuple[str, str]] = Counter()
    for lg in ev.ledgers:
        for a in lg.attempts:
            attempts[(a["payment_id"], a["step"])] += a["count"]
    on_effects = sum(attempts[k] for k in counts)
    replays = sum(lg.outcomes.get("replayed", 0) for lg in ev.ledgers)
    stats = {
        "processor_attempts": sum(attempts.values()),
        "effects": sum(counts.values()),
        "replayed_answers": replays,
        "attempts_on_steps_with_effect": on_effects,
        "steps_retried_with_effect": sum(1 for k in counts if attempts[k] > 1),
        "activity_retries_in_history": ev.histories.activity_retries,
        "activity_timeouts_in_history": ev.histories.activity_timeouts,
        "workflow_task_timeouts": ev.histories.task_timeouts,
    }
    problems = [] if on_effects > stats["effects"] else ["attempts never exceeded effects"]
    # A retry that met an applied effect shows as a replayed answer, or (since retried money
    # steps ask the processor's inquiry endpoint first) as an activity or workflow task that
    # timed out after a kill; a run with none of these never hit a crash window.
    crashes = replays + stats["activity_timeouts_in_history"] + stats["workflow_task_timeouts"]
    if not crashes:
        problems.append("no retry ever met an effect already applied, and nothing timed out")
    detail = f"{on_effects} attempts for {stats['effects']} effects, {replays} replayed answers"
    return _verdict("crash windows hit: attempts > effects", problems, detail), stats


def ledger_invariants(ev: Evidence) -> Verdict:
    """Balanced, nothing negative, every merchant credited == captured - refunded.

    The rule is reconciliation's (``payments.reconcile.ledger_findings``), stated once. Only
    the simulators keep books; Stripe's money is checked against the views instead.
    """
    books = [lg for lg in ev.ledgers if lg.books]
    problems = [
        f"{lg.name}: {f.detail}" + (f" ({f.merchant_id})" if f.merchant_id else "")
        for lg in books
        for f in ledger_findings(lg.name, lg.check)
    ]
    merchants = sum(len(lg.check["merchants"]) for lg in books)
    detail = f"{merchants} merchant accounts on {len(books)} ledgers"
    name = "ledgers balance, no negative balance, credited == captured - refunded"
    return _verdict(name, problems, detail)


def holds(ev: Evidence) -> Verdict:
    """Open holds exist only for payments still authorized, one each."""
    open_by: Counter[str] = Counter(
        h["payment_id"] for lg in ev.ledgers for h in lg.check["open_holds"]
    )
    views = [v for v in ev.views.values() if isinstance(v, PaymentView)]
    authorized = {v.payment_id for v in views if v.status is PaymentStatus.AUTHORIZED}
    problems = [f"{pid}: {n} open holds, payment not authorized" for pid, n in open_by.items()
                if pid not in authorized]  # fmt: skip
    problems += [f"{pid}: {open_by[pid]} open holds while authorized" for pid in authorized
                 if open_by[pid] != 1]  # fmt: skip
    detail = f"{sum(open_by.values())} open holds, {len(authorized)} authorized payments"
    return _verdict("no hold left for a payment that ended", problems, detail)


def _money_problem(view: PaymentView, by_proc: dict[str, list[dict[str, Any]]]) -> str | None:
    mine = by_proc.get(view.processor or "", [])
    others = sum(len(v) for k, v in by_proc.items() if k != view.processor)
    captured = sum(e["amount"] for e in mine if e["operation"] == "capture")
    refunded = sum(e["amount"] for e in mine if e["operation"] == "refund")
    if (captured, refunded, others) != (view.amount_captured, view.amount_refunded, 0):
        seen = f"view {view.amount_captured}/{view.amount_refunded} on {view.processor}"
        return f"{view.payment_id}: {seen}, ledgers {captured}/{refunded}, {others} elsewhere"
    return None


def views_match_ledgers(ev: Evidence) -> Verdict:
    """Each payment's captured and refunded amounts are exactly its effects, on its processor."""
    by_payment: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for lg in ev.ledgers:
        for e in lg.effects:
            by_payment.setdefault(e["payment_id"], {}).setdefault(lg.name, []).append(e)
    views = [v for v in ev.views.values() if isinstance(v, PaymentView)]
    problems = [p for v in views if (p := _money_problem(v, by_payment.get(v.payment_id, {})))]
    strangers = set(by_payment) - set(ev.views)
    problems += [f"{pid}: effects for a payment nobody started" for pid in sorted(strangers)]
    return _verdict("every view's captured/refunded equals its ledger effects", problems,
                    f"{len(views)} payments compared")  # fmt: skip


def duplicate_intents(ev: Evidence) -> Verdict:
    """No (payment, step) has two PaymentIntents, whatever their status.

    localstripe ignores ``Idempotency-Key``: a retry that sent the create again instead of
    finding the first PaymentIntent by inquiry would leave a second one here.
    """
    intents = [i for lg in ev.ledgers for i in lg.intents]
    counts = Counter((i["payment_id"], i["step"]) for i in intents)
    problems = [f"{pid} {step}: {n} PaymentIntents" for (pid, step), n in counts.items() if n > 1]
    problems += [f"{i['id']}: no payment id in its metadata" for i in intents
                 if not i["payment_id"]]  # fmt: skip
    return _verdict(DUPLICATE_INTENTS, problems,
                    f"{len(intents)} PaymentIntents for {len(counts)} payments")  # fmt: skip


def determinism(ev: Evidence) -> Verdict:
    """No workflow task failed for non-determinism or a deadlock; every history was read."""
    bad = [f"{f['payment_id']}: {f['cause']}: {f['message']}" for f in ev.histories.task_failures
           if f["bad"] == "True"]  # fmt: skip
    problems = bad + ev.log_hits + [f"unreadable history {u}" for u in ev.histories.unreadable]
    other = Counter(f["cause"] for f in ev.histories.task_failures if f["bad"] != "True")
    return _verdict("no non-determinism or deadlock", problems,
                    f"other workflow task failures: {dict(other) or 'none'}")  # fmt: skip


def all_checks(plans: list[Plan], ev: Evidence) -> tuple[list[Verdict], dict[str, int]]:
    """Every verdict, and the attempt/effect statistics."""
    crash, stats = crash_windows(ev)
    verdicts = [states(plans, ev), duplicates(ev), crash, ledger_invariants(ev), holds(ev),
                views_match_ledgers(ev), determinism(ev)]  # fmt: skip
    if any(not lg.books for lg in ev.ledgers):
        verdicts.insert(2, duplicate_intents(ev))
    return verdicts, stats
