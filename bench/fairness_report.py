"""The fairness mix's figures: time to authorized, where it went (from history), the table.

Up to its authorization a payment waits for its start (the client's call reaching the server),
for workflow tasks on the payments queue (its first, and the one that takes the authorize
result), for authorize on the processor's rate-limited queue, and for authorize's own run.
Fairness keys reorder both queues; the split shows which wait they changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from bench.run import percentile
from payments.models import CardFacts

WAITS = ("start", "workflow", "processor", "call")
HISTORY_READS = 8
"""Histories read at once: enough to keep the server busy, not enough to crowd the run."""


@dataclass(frozen=True)
class FairTarget:
    """The client, task queue, processor order and every merchant's own tokenized cards."""

    client: Client
    task_queue: str
    processors: tuple[str, ...]
    cards: dict[str, list[CardFacts]]


@dataclass(frozen=True)
class Timed:
    """One payment: its merchant, when it was started (epoch seconds) and how long it took."""

    payment_id: str
    merchant: str
    started: float
    to_authorized: float


def _seconds(event: HistoryEvent) -> float:
    return event.event_time.ToMicroseconds() / 1e6


def waits_until_authorized(events: Iterable[HistoryEvent], started: float) -> dict[str, float]:
    """Seconds from ``started`` (the client's call) to the workflow's start (``start``); waited
    for workflow tasks until the one that records the authorization (``workflow``); for the
    first activity, authorize, on the processor queue (``processor``); and its run (``call``:
    the HTTP calls, and any wait in the worker's own rate limiter)."""
    at: dict[int, float] = {}
    waited = dict.fromkeys(WAITS, 0.0)
    authorized = False
    for event in events:
        now = at[event.event_id] = _seconds(event)
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            waited["start"] = now - started
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            waited["workflow"] += (
                now - at[event.workflow_task_started_event_attributes.scheduled_event_id]
            )
            if authorized:
                break
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED and not authorized:
            waited["processor"] += (
                now - at[event.activity_task_started_event_attributes.scheduled_event_id]
            )
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED and not authorized:
            waited["call"] += (
                now - at[event.activity_task_completed_event_attributes.started_event_id]
            )
            authorized = True
    return waited


async def summarize(client: Client, samples: list[Timed]) -> dict[str, Any]:
    """Count, p50 and p99 milliseconds to authorized and of each wait (None without samples)."""
    gate = asyncio.Semaphore(HISTORY_READS)

    async def waits(s: Timed) -> dict[str, float]:
        async with gate:
            history = await client.get_workflow_handle(s.payment_id).fetch_history()
        return waits_until_authorized(history.events, s.started)

    found = await asyncio.gather(*(waits(s) for s in samples))
    columns = {"": [s.to_authorized for s in samples]}
    columns |= {f"{kind}_wait_": [w[kind] for w in found] for kind in WAITS}
    out: dict[str, Any] = {"n": len(samples)}
    for prefix, values in columns.items():
        ms = [v * 1000 for v in values]
        out |= {f"{prefix}p{q}_ms": percentile(ms, q) if ms else None for q in (50, 99)}
    return out


def ratio(unkeyed: dict[str, Any], keyed: dict[str, Any]) -> float | None:
    """Unkeyed p99 over keyed p99: above 1, keys made that group faster."""
    before, after = unkeyed["p99_ms"], keyed["p99_ms"]
    return round(float(before) / after, 2) if before and after else None


CELLS = ("n", "p50_ms", "p99_ms", "processor_wait_p99_ms")
"""A group's figures in the table, in its column order."""


def fairness_table(result: dict[str, Any]) -> str:
    """Time to authorized (ms) of the quiet and the loud merchants, without and with keys."""
    plan = result["plan"]
    head = "".join(f"{h:>8}" for h in ("n", "p50", "p99", "queue"))
    lines = [
        f"fairness: 1 merchant at {plan['loud_factor']}x each of {plan['quiet']} others for "
        f"{plan['seconds']:.0f} s; processor queue {plan['rate']:.0f} tasks/s "
        f"(task queue partitions: {plan['partitions']}), peak demand "
        f"{result['demand_per_second']:.1f}/s",
        f"{'':<8}{'quiet merchants':>32}{'loud merchant':>32}",
        f"{'keys':<8}{head}{head}{'err':>6}",
    ]
    for name in ("unkeyed", "keyed"):
        row = result[name]
        cells = "".join(
            f"{'-' if row[g][k] is None else f'{row[g][k]:.0f}':>8}"
            for g in ("quiet", "loud")
            for k in CELLS
        )
        lines.append(f"{name:<8}{cells}{row['errors']:>6}")
    lines.append(
        f"p99 unkeyed / keyed: quiet {result['quiet_p99_ratio']}x, loud "
        f"{result['loud_p99_ratio']}x. Time to authorized (ms) from the start call; queue: "
        "p99 of authorize's wait on the processor queue."
    )
    return "\n".join(lines)
