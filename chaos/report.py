"""The chaos report: a readable summary on stdout and every detail as JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from chaos.checks import SHOWN, Verdict
from chaos.monkey import Tally
from chaos.plans import Plan


def build(
    *,
    options: dict[str, Any],
    plans: list[Plan],
    tally: Tally,
    verdicts: list[Verdict],
    stats: dict[str, Any],
    seconds: float,
) -> dict[str, Any]:
    """Everything about one run as a JSON-ready dict."""
    ready = tally.worker_ready_seconds
    return {
        "options": options,
        "payments": len(plans),
        "mix": dict(Counter(p.kind.value for p in plans)),
        "chaos": {
            "worker_kill_events": tally.kill_events,
            "workers_sigkilled": tally.workers_killed,
            "server_restarts": tally.server_restarts,
            "unexpected_worker_exits": tally.unexpected_worker_exits,
            "worker_ready_seconds_max": round(max(ready, default=0.0), 1),
            "server_down_seconds": [round(s, 1) for s in tally.server_down_seconds],
            "fault_windows": dict(tally.fault_windows),
            "fault_seconds": round(tally.fault_seconds),
        },
        "stats": stats,
        "checks": [asdict(v) for v in verdicts],
        "passed": all(v.passed for v in verdicts),
        "seconds": round(seconds, 1),
    }


def text(report: dict[str, Any]) -> str:
    """The human-readable report."""
    c, s = report["chaos"], report["stats"]
    lines = [
        "== chaos report ==",
        f"payments: {report['payments']}  mix: {report['mix']}",
        f"worker SIGKILLs: {c['workers_sigkilled']} in {c['worker_kill_events']} events; "
        f"server SIGKILL+restarts: {c['server_restarts']} "
        f"(down for {c['server_down_seconds']} s each); "
        f"unexpected worker exits: {c['unexpected_worker_exits']}",
        f"fault windows: {c['fault_windows']} ({c['fault_seconds']} s in total)",
        f"processor attempts: {s['processor_attempts']}, effects: {s['effects']}, attempts on "
        f"steps with an effect: {s['attempts_on_steps_with_effect']}, retried steps with an "
        f"effect: {s['steps_retried_with_effect']}, answers replayed from an applied effect: "
        f"{s['replayed_answers']}",
        f"history: {s['activity_retries_in_history']} activity retries, "
        f"{s['activity_timeouts_in_history']} activity timeouts, "
        f"{s['workflow_task_timeouts']} workflow task timeouts; client RPC retries "
        f"{s['client_retries']}, reconnects {s['client_reconnects']}",
    ]  # fmt: skip
    if "stripe_intent_creates" in s:
        creates, lists = s["stripe_intent_creates"], s["stripe_intent_lists"]
        lines.append(f"stripe secondary: {creates} PaymentIntent creates received, {lists} "
                     "PaymentIntent lists (inquiries, reconciliation)")  # fmt: skip
    for v in report["checks"]:
        lines.append(f"[{'PASS' if v['passed'] else 'FAIL'}] {v['name']}: {v['detail']}")
        lines += [f"       - {p}" for p in v["problems"][:SHOWN]]
        if len(v["problems"]) > SHOWN:
            lines.append(f"       … and {len(v['problems']) - SHOWN} more (see the JSON)")
    verdict = "PASSED" if report["passed"] else "FAILED"
    lines.append(f"== {verdict} in {report['seconds']:.0f} s ==")
    return "\n".join(lines)


def write(report: dict[str, Any], path: Path) -> None:
    """Write the JSON report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
