"""Everything the checks judge, collected after the run: ledgers, histories and worker logs."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from chaos.client import ClientBox
from payments.models import PaymentView
from processors.simulator.admin import SimulatorAdmin

# What the SDK logs (and puts in task failures) for non-determinism and deadlocks.
BAD_WORKER_LOG = re.compile(r"TMPRL1100|TMPRL1101|nondetermini|deadlock", re.IGNORECASE)
BAD_CAUSES = {WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR}


@dataclass
class Ledger:
    """One processor's effects, attempts and invariant report."""

    name: str
    effects: list[dict[str, Any]]
    attempts: list[dict[str, Any]]
    check: dict[str, Any]
    """The simulator's ledger check; for Stripe only ``open_holds`` (it keeps no books here)."""
    outcomes: dict[str, int]
    books: bool = True
    """A simulator: a double-entry ledger and a request log (Stripe has neither for us)."""
    intents: list[dict[str, Any]] = field(default_factory=list)
    """Stripe: every PaymentIntent (``chaos.stripe_books.intent_row``), whatever its status."""


@dataclass
class Histories:
    """What the payments' histories say about workflow tasks and activity retries."""

    task_failures: list[dict[str, str]] = field(default_factory=list)
    task_timeouts: int = 0
    activity_retries: int = 0
    activity_timeouts: int = 0
    unreadable: list[str] = field(default_factory=list)


def request_outcomes(db_file: Path) -> dict[str, int]:
    """Payment requests per outcome in a simulator's request log (read-only).

    ``replayed`` counts retries that found their effect already applied: the crash windows.
    The admin API only reports totals per step, so this one figure comes from the file.
    """
    with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as conn:
        rows = conn.execute(
            "SELECT outcome, COUNT(*) FROM request_log WHERE payment_id IS NOT NULL"
            " GROUP BY outcome"
        ).fetchall()
    return {str(outcome): int(n) for outcome, n in rows}


def read_ledger(name: str, url: str, db_file: Path) -> Ledger:
    """All effects and attempts (every payment) and the ledger check of one simulator."""
    admin = SimulatorAdmin(url, timeout=30)
    report, check = admin.report(), admin.ledger_check()
    return Ledger(name, report["effects"], report["attempts"], check, request_outcomes(db_file))


async def _task_failure(client: Client, pid: str, event: HistoryEvent) -> dict[str, str]:
    attrs = event.workflow_task_failed_event_attributes
    failure = Failure()
    failure.CopyFrom(attrs.failure)
    try:  # failure messages are encrypted by the codec
        message = str(await client.data_converter.decode_failure(failure))
    except Exception as exc:
        message = f"(undecodable: {type(exc).__name__})"
    cause = WorkflowTaskFailedCause.Name(attrs.cause)
    bad = attrs.cause in BAD_CAUSES or bool(BAD_WORKER_LOG.search(message))
    return {"payment_id": pid, "cause": cause, "message": message[:300], "bad": str(bad)}


async def _scan(client: Client, pid: str) -> Histories:
    out = Histories()
    async for e in client.get_workflow_handle(pid).fetch_history_events():
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            out.task_failures.append(await _task_failure(client, pid, e))
        elif e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
            out.task_timeouts += 1
        elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
            out.activity_timeouts += 1
        elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            out.activity_retries += e.activity_task_started_event_attributes.attempt > 1
    return out


async def read_histories(box: ClientBox, payment_ids: list[str], budget: float) -> Histories:
    """Scan every payment's history (retried through restarts for ``budget`` seconds)."""
    out = Histories()
    gate = asyncio.Semaphore(8)
    deadline = time.monotonic() + budget

    async def one(pid: str) -> None:
        async with gate:
            try:  # a retried scan starts over, so nothing is counted twice
                part = await box.call(lambda c: _scan(c, pid), deadline)
            except Exception as exc:
                out.unreadable.append(f"{pid}: {type(exc).__name__}: {exc}")
                return
        out.task_failures += part.task_failures
        out.task_timeouts += part.task_timeouts
        out.activity_retries += part.activity_retries
        out.activity_timeouts += part.activity_timeouts

    await asyncio.gather(*(one(pid) for pid in payment_ids))
    return out


def worker_log_hits(logs: Path) -> list[str]:
    """Lines of the worker logs that mention non-determinism or a deadlock."""
    hits = []
    for path in sorted(logs.glob("worker-*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if BAD_WORKER_LOG.search(line):
                hits.append(f"{path.name}: {line[:300]}")
    return hits


@dataclass
class Evidence:
    """The collected facts for the checks."""

    views: dict[str, PaymentView | str]
    driver_errors: dict[str, str]
    ledgers: list[Ledger]
    histories: Histories
    log_hits: list[str]
    processor_requests: dict[str, int] = field(default_factory=dict)
    """Stripe: PaymentIntent creates and lists received (``chaos.stripe_books``)."""
    authentications: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """3-D Secure authentications per payment at the simulators' access control servers."""
    challenge_windows: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Per challenge payment: when its challenge was open (monotonic seconds)."""
    kill_times: list[float] = field(default_factory=list)
    """When workers were SIGKILLed (monotonic seconds)."""
