"""Operator commands of ``starter.py``: problems, story, reconcile, report, processors."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cli import insight
from cli.direct import api_word, connect_direct
from cli.render import view_lines
from infra.settings import Settings
from payments.models import PaymentView
from payments.reconcile import ReconcileReport
from workflows.reconciliation_schedule import reconcile_now

NEEDS = {
    "problems": "Temporal visibility and the run folder's findings",
    "story": "Temporal, the processors' ledgers and the run folder",
    "reconcile": "Temporal",
    "report": "Temporal visibility",
    "processors": "the workers' breaker files in the run folder",
}
"""What each operator command reads directly (none of it is behind the merchant API)."""
COMMANDS = frozenset(NEEDS)


def _since(text: str) -> Any:
    try:
        return insight.parse_since(text)
    except ValueError:
        raise argparse.ArgumentTypeError("use 30m, 24h, 7d or an ISO 8601 time") from None


def add_commands(sub: Any) -> None:
    """Register the operator sub-commands on ``starter.py``'s sub-parser."""
    pr = sub.add_parser("problems", help="failed, unknown-outcome, stuck and mismatched payments")
    pr.add_argument("--merchant")
    pr.add_argument("--since", type=_since, help="30m, 24h, 7d or an ISO time")
    pr.add_argument("--limit", type=int, default=100)
    st = sub.add_parser("story", help="one payment's full story: transitions, attempts, ledger")
    st.add_argument("payment_id")
    sub.add_parser("reconcile", help="run the reconciliation now and print its findings")
    rp = sub.add_parser("report", help="counts, approval rate and top declines for a period")
    rp.add_argument("--since", type=_since, default="24h")
    rp.add_argument("--merchant")
    rp.add_argument("--limit", type=int, default=10000)
    sub.add_parser("processors", help="circuit-breaker state per worker and processor")


def _table(rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    widths = {c: max([len(c)] + [len(str(r.get(c) or "")) for r in rows]) for c in columns}
    head = "  ".join(c.ljust(widths[c]) for c in columns)
    body = ["  ".join(str(r.get(c) or "").ljust(widths[c]) for c in columns) for r in rows]
    return [head.rstrip(), *(b.rstrip() for b in body)]


def _report_lines(report: ReconcileReport) -> list[str]:
    lines = [f"reconciliation {report.run_id}: {report.payments_checked} payments checked, "
             f"{report.attention}"]  # fmt: skip
    rows = [f.model_dump(mode="json") for f in report.findings]
    return lines + (_table(rows, ["kind", "payment_id", "processor", "detail"]) if rows else [])


def _summary_lines(summary: dict[str, Any]) -> list[str]:
    """``report`` as a few small tables; statuses in the API's words and the workflow's."""
    rate = summary["approval_rate"]
    shown = "n/a (nothing decided yet)" if rate is None else f"{rate:.1%}"
    since = datetime.fromisoformat(summary["since"]).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"since {since}: {summary['payments']} payments, approval rate {shown}"]
    statuses = [
        {"status": api_word(s), "workflow status": s, "payments": n}
        for s, n in summary["by_status"].items()
    ]
    tables = [
        (statuses, ["status", "workflow status", "payments"]),
        (_counted(summary["by_currency"], "currency"), ["currency", "payments"]),
        (
            _counted(summary["top_decline_reasons"], "decline reason"),
            ["decline reason", "payments"],
        ),
    ]
    for rows, columns in tables:
        if rows:
            lines += ["", *_table(rows, columns)]
    return lines


def _counted(counts: dict[str, int], name: str) -> list[dict[str, Any]]:
    return [{name: key, "payments": n} for key, n in counts.items()]


def _story_lines(story: dict[str, Any]) -> list[str]:
    lines = view_lines(PaymentView.model_validate(story["payment"]))
    if "customer_message" in story:
        lines.append(f"customer   {story['customer_message']} (next: {story['next_step']})")
    lines.append("attempts")
    for a in story["payment"]["attempts"]:
        lines.append(f"  {a['at'][11:19]} {a['step']} on {a['processor']}: {a['outcome']} "
                     f"{a['detail'] or ''}".rstrip())  # fmt: skip
    for name, ledger in story["ledgers"].items():
        lines.append(f"ledger {name}")
        for e in ledger.get("effects", []):
            lines.append(f"  {e['at'][11:19]} {e['operation']} {e['amount']}")
        if "error" in ledger:
            lines.append(f"  unreadable: {ledger['error']}")
    for f in story["findings"]:
        lines.append(f"FINDING {f['kind']}: {f['detail']}")
    return lines


async def run(args: argparse.Namespace, settings: Settings) -> list[str]:
    """Run one operator command; lines to print (JSON with ``--json``)."""
    if args.command == "processors":
        rows = insight.breakers(settings.run_dir)
        if args.json:
            return [json.dumps(rows)]
        cols = ["worker_pid", "alive", "processor", "state"]
        return _table(rows, cols) if rows else ["no breaker has changed state: all closed"]
    client = await connect_direct(settings)
    render: Callable[[Any], list[str]]
    if args.command == "problems":
        result: Any = await insight.problems(
            client, settings, merchant=args.merchant, since=args.since, limit=args.limit
        )
        cols = ["problem", "payment_id", "merchant", "detail"]
        render = lambda rows: _table(rows, cols) if rows else ["no problem payments"]  # noqa: E731
    elif args.command == "story":
        result = await insight.story(client, settings, args.payment_id)
        render = _story_lines
    elif args.command == "reconcile":
        report = await reconcile_now(client, settings)
        result, render = report.model_dump(mode="json"), lambda _: _report_lines(report)
    else:
        result = await insight.summary(
            client, merchant=args.merchant, since=args.since, limit=args.limit
        )
        render = _summary_lines
    return [json.dumps(result, default=str)] if args.json else render(result)
