"""What operators ask: problem payments, one payment's story, a period's summary, breakers.

Reads only: Temporal visibility and queries, the findings table, breaker state files and the
processors' effects reports. Nothing here changes a payment.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus

from cli.direct import api_reader
from infra.settings import Settings
from payments import search_attributes as sa
from payments.errors import decline_for
from payments.public import IN_PROGRESS, visible_status
from processors.capabilities import Capability
from processors.errors import ProcessorFailure
from processors.registry import opened
from stores.findings import open_findings

Row = dict[str, Any]
# Effects are stamped by the processor's clock, the view by Temporal's.
_CLOCK_SLACK = timedelta(minutes=1)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``30m``, ``24h``, ``7d`` ago, or an ISO 8601 time (UTC when no offset is given)."""
    now = now or datetime.now(UTC)
    if text[:-1].isdigit() and text[-1:] in _UNITS:
        return now - timedelta(seconds=int(text[:-1]) * _UNITS[text[-1]])
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def payments_query(merchant: str | None, since: datetime | None, extra: str = "") -> str:
    """A visibility query for payments, filtered by merchant and start time."""
    query = "WorkflowType = 'PaymentWorkflow'"
    if merchant:
        query += f" AND PaymentMerchant = '{merchant.replace(chr(39), '')}'"
    if since:
        query += f" AND StartTime > '{since.strftime('%Y-%m-%dT%H:%M:%SZ')}'"
    return f"{query} AND {extra}" if extra else query


async def _visible(client: Client, query: str, limit: int) -> list[Row]:
    rows: list[Row] = []
    async for wf in client.list_workflows(query, limit=limit):
        attrs = wf.typed_search_attributes
        rows.append(
            {
                "payment_id": wf.id,
                "merchant": attrs.get(sa.PAYMENT_MERCHANT),
                "status": visible_status(
                    attrs.get(sa.PAYMENT_STATUS),
                    running=wf.status == WorkflowExecutionStatus.RUNNING,
                ),
                "currency": attrs.get(sa.PAYMENT_CURRENCY),
                "amount": attrs.get(sa.PAYMENT_AMOUNT),
                "code": attrs.get(sa.PAYMENT_FAILURE_CODE),
                "started": wf.start_time.isoformat(),
            }
        )
    return rows


async def problems(
    client: Client, settings: Settings, *, merchant: str | None, since: datetime | None, limit: int
) -> list[Row]:
    """Failed and unknown-outcome payments, then the latest reconciliation's findings."""
    rows: list[Row] = []
    for status in ("failed", "outcome_unknown"):
        query = payments_query(merchant, since, f"PaymentStatus = '{status}'")
        for r in await _visible(client, query, limit):
            rows.append({"problem": status, **r, "detail": r["code"] or ""})
    latest = await (await open_findings(settings.database())).latest()
    for f in latest.findings if latest else []:
        if merchant and f.merchant_id != merchant:
            continue
        rows.append(
            {"problem": f.kind.value, "payment_id": f.payment_id, "merchant": f.merchant_id,
             "processor": f.processor, "detail": f.detail}
        )  # fmt: skip
    return rows


async def story(client: Client, settings: Settings, payment_id: str) -> Row:
    """Everything about one payment: view, customer message, ledger effects, findings."""
    view = await (await api_reader(client, settings)).read(payment_id)  # no worker needed
    out: Row = {"payment": json.loads(view.model_dump_json())}
    if view.failure is not None:
        decline = decline_for(view.failure.code)
        out["customer_message"] = decline.customer_message("en")
        out["next_step"] = decline.next_step.value
    out["ledgers"] = await _ledgers(settings, payment_id, since=view.created_at - _CLOCK_SLACK)
    latest = await (await open_findings(settings.database())).latest()
    out["findings"] = [
        f.model_dump(mode="json") for f in (latest.findings if latest else [])
        if f.payment_id == payment_id
    ]  # fmt: skip
    return out


async def _ledgers(settings: Settings, payment_id: str, since: datetime) -> Row:
    """Each processor's effects for one payment, through the ``Processor`` Protocol."""
    ledgers: Row = {}
    async with opened(settings.resolved_processors(), timeout_seconds=10) as processors:
        for name, processor in processors.items():
            if not processor.capabilities.has(Capability.EFFECTS_REPORT):
                ledgers[name] = {"error": "no effects report"}
                continue
            try:
                effects = await processor.effects_since(since)
            except ProcessorFailure as exc:
                ledgers[name] = {"error": exc.code}
                continue
            ledgers[name] = {
                "effects": [
                    e.model_dump(mode="json") for e in effects if e.payment_id == payment_id
                ]
            }
    return ledgers


async def summary(client: Client, *, merchant: str | None, since: datetime, limit: int) -> Row:
    """Counts by status and currency, approval rate, top decline reasons, for a period."""
    rows = await _visible(client, payments_query(merchant, since), limit)
    by_status = Counter(r["status"] for r in rows)
    undecided = ("pending", "outcome_unknown", IN_PROGRESS)
    decided = sum(n for s, n in by_status.items() if s not in undecided)
    approved = decided - by_status.get("failed", 0)
    declines = Counter(r["code"] for r in rows if r["status"] == "failed" and r["code"])
    return {
        "since": since.isoformat(),
        "payments": len(rows),
        "by_status": dict(by_status.most_common()),
        "by_currency": dict(Counter(r["currency"] for r in rows).most_common()),
        "approval_rate": round(approved / decided, 4) if decided else None,
        "top_decline_reasons": dict(declines.most_common(5)),
    }


def breakers(run_dir: Path) -> list[Row]:
    """Each worker's last published breaker states, and whether that worker is still alive."""
    rows: list[Row] = []
    for path in sorted((run_dir / "breakers").glob("worker-*.json")):
        data = json.loads(path.read_text())
        pid = int(data["pid"])
        alive = Path(f"/proc/{pid}").exists() if os.name == "posix" else None
        for name, state in sorted(data["breakers"].items()):
            rows.append({"worker_pid": pid, "alive": alive, "processor": name, "state": state})
    return rows
