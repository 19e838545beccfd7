"""A processor's rate limit holds across workers: the server limits the processor's task queue.

Two workers (each the production ``build_worker`` group) authorize 40 payments on a processor
contracted at 10 calls/s. Each authorize task makes two calls there (the simulator's balance
check, then the authorization), so the queue's limit is 5 tasks/s. With the queue limit the
authorizations start at about 5/s together; with the old per-worker limit (the control) each
worker takes 5/s, about 10/s together.
Start times are the server's (``ActivityTaskStarted``), so they count what was dispatched.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from facade import operations as ops
from facade.tokenize import tokenize_card
from infra.settings import ProcessorEndpoint, Settings
from payments.ids import new_payment_id
from payments.models import CaptureMethod, PaymentOptions, PaymentRequest
from payments.money import Currency, Money
from payments.status import PaymentStatus
from tests.helpers import Simulator, _raw
from worker import build_worker, worker_http

CONTRACT = 10.0
"""Calls per second the processor allows (``ProcessorEndpoint.rate_per_second``)."""
LIMIT = CONTRACT / 2
"""Authorize tasks per second: two calls each (``activities.balance.calls_per_task``)."""
PAYMENTS = 40


def _settings(run_dir: Path, temporal_address: str, simulator: Simulator) -> Settings:
    return Settings(
        temporal_address=temporal_address,
        processors=[ProcessorEndpoint(name="primary", url=simulator.url, rate_per_second=CONTRACT)],
        run_dir=run_dir / f"rate-{uuid.uuid4().hex[:6]}",
        vault_key_file=run_dir / "vault-key.json",
        vault_db=run_dir / "vault.db",
        codec_key_file=run_dir / "codec-keys.json",
        task_queue=f"rate-{uuid.uuid4().hex[:8]}",
        # This worker's own bucket must not be what holds the rate here.
        processor_rate_per_second=1000,
        processor_burst=1000,
    )


async def _authorize_starts(client: Client, payment_id: str) -> tuple[float, str]:
    """When the server dispatched the payment's authorization, and to which worker."""
    handle = client.get_workflow_handle(payment_id)
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            started = event.activity_task_started_event_attributes
            return event.event_time.ToDatetime().timestamp(), started.identity
    raise AssertionError(f"{payment_id} has no started activity")


@dataclass(frozen=True)
class Measured:
    """How the authorizations started (server times, seconds)."""

    rate: float
    """Per second from the first to the last."""
    steady_rate: float
    """Per second from one second after the first (past any initial burst) to the last."""
    burst: float
    """The least burst a token bucket at ``LIMIT``/s needs to allow every window seen: the
    most starts in any window minus ``LIMIT`` times its length."""
    workers: int


def _measure(times: list[float], workers: int) -> Measured:
    times = sorted(times)
    later = [t for t in times if t >= times[0] + 1]
    windows = [(j - i + 1) - LIMIT * (times[j] - times[i]) for i in range(len(times))
               for j in range(i, len(times))]  # fmt: skip
    return Measured(
        rate=(len(times) - 1) / (times[-1] - times[0]),
        steady_rate=(len(later) - 1) / (later[-1] - later[0]),
        burst=round(max(windows), 2),
        workers=workers,
    )


async def _run(client: Client, settings: Settings, *, queue_limits: bool) -> Measured:
    """Authorize ``PAYMENTS`` payments with two workers, and how fast they started."""
    card = await tokenize_card(settings, _raw("visa"), merchant_id="merchant_test")
    requests = [
        PaymentRequest(
            payment_id=new_payment_id(),
            merchant_id="merchant_test",
            amount=Money(amount=1000, currency=Currency.USD),
            capture_method=CaptureMethod.MANUAL,  # only the authorization calls the processor
            card=card,
            options=PaymentOptions(refund_window_seconds=5),
        )
        for _ in range(PAYMENTS)
    ]
    async with contextlib.AsyncExitStack() as workers:
        for i in range(2):
            # Its own connection and name, as another worker process has (one client may not
            # run two workers on the same queue).
            own = await Client.connect(
                settings.temporal_address,
                data_converter=client.data_converter,
                identity=f"worker-{i}",
            )
            http = await workers.enter_async_context(worker_http(settings))
            group = build_worker(own, settings, http, queue_limits=queue_limits)
            await workers.enter_async_context(group)
        queue = settings.task_queue
        views = await asyncio.gather(
            *(ops.start_payment(client, r, task_queue=queue, wait_seconds=60) for r in requests)
        )
        assert {v.status for v in views} == {PaymentStatus.AUTHORIZED}
        starts = [await _authorize_starts(client, r.payment_id) for r in requests]
        for r in requests:  # manual capture: they would wait a week for one
            await client.get_workflow_handle(r.payment_id).terminate("rate test done")
    measured = _measure([t for t, _ in starts], len({who for _, who in starts}))
    print(f"{'queue' if queue_limits else 'per-worker'} limit: {measured}")
    return measured


@pytest.mark.timeout(90)
async def test_two_workers_together_stay_at_the_processor_rate(
    client: Client, run_dir: Path, temporal_address: str, simulator: Simulator
) -> None:
    limited = await _run(client, _settings(run_dir, temporal_address, simulator), queue_limits=True)
    assert limited.workers == 2, "both workers should have authorized"
    assert limited.steady_rate <= LIMIT * 1.1
    # The server's limiter may start with a burst (measured: 8 in the first 0.5 s), then holds
    # the rate; the per-worker limit needs a burst of 20 or more to explain what it sent.
    assert limited.burst <= 2 * LIMIT


@pytest.mark.timeout(90)
async def test_a_per_worker_limit_lets_two_workers_send_twice_the_rate(
    client: Client, run_dir: Path, temporal_address: str, simulator: Simulator
) -> None:
    settings = _settings(run_dir, temporal_address, simulator)
    per_worker = await _run(client, settings, queue_limits=False)
    assert per_worker.workers == 2
    # Ideally 2x; a CPU-starved machine (2 cores, parallel tests) was seen at 1.54x. Above 1.3x
    # is still clearly more than the shared queue limit allows (at most 1.1x, test above).
    assert per_worker.steady_rate >= LIMIT * 1.3
    assert per_worker.burst >= 3 * LIMIT
