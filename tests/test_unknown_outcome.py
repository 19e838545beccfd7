"""Unknown outcomes: a lost answer is found by inquiry, never guessed; slow ones are flagged."""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.client import Client

from facade import operations as ops
from infra.settings import ProcessorEndpoint, Settings
from payments.models import CaptureMethod, PaymentOptions
from payments.status import PaymentStatus
from processors.simulator.admin import SimulatorAdmin
from stack.procs import ManagedProcess
from tests.helpers import Simulator, pay, simulator_healthy, simulator_process, steps
from worker import build_worker, worker_http

HANG = {"effect_then_timeout_rate": 1.0, "hang_seconds": 20}


@pytest.fixture
def own_primary(tmp_path: Path) -> Iterator[tuple[ManagedProcess, SimulatorAdmin]]:
    """A primary simulator this test may kill and restart on the same ledger."""
    proc, admin = simulator_process(tmp_path, "primary")
    with proc:
        proc.wait_ready(lambda: simulator_healthy(admin), timeout=30)
        yield proc, admin


def _settings(base: Settings, primary_url: str, secondary_url: str) -> Settings:
    return base.model_copy(
        update={
            "processors": [
                ProcessorEndpoint(name="primary", url=primary_url, priority=0),
                ProcessorEndpoint(name="secondary", url=secondary_url, priority=1),
            ],
            "processor_url": primary_url,
            "breaker_threshold": 2,
            "task_queue": f"unknown-{uuid.uuid4().hex[:8]}",
        }
    )


@pytest.fixture
async def sim_pair(
    client: Client, settings: Settings, simulator: Simulator, secondary: Simulator
) -> AsyncIterator[Settings]:
    two = _settings(settings, simulator.url, secondary.url)
    async with worker_http(two) as http, build_worker(client, two, http):
        yield two


async def test_lost_capture_answer_is_found_not_repeated(
    client: Client, sim_pair: Settings, simulator: Simulator
) -> None:
    view = await pay(client, sim_pair, amount=2700, capture=CaptureMethod.MANUAL)
    simulator.faults(**HANG, operations=["capture"])
    try:
        capturing = asyncio.create_task(ops.capture(client, view.payment_id, 2000))
        await asyncio.sleep(4)
    finally:
        simulator.faults()
    view = await asyncio.wait_for(capturing, 60)
    assert (view.status, view.amount_captured) == (PaymentStatus.CAPTURED, 2000)
    assert steps(simulator.effects(view.payment_id)) == ["authorize", "capture"]
    # The retry asked the processor (an inquiry by key) instead of posting again.
    assert {a["step"]: a["count"] for a in simulator.attempts(view.payment_id)}["capture"] == 1
    handle = client.get_workflow_handle(view.payment_id)
    started = [
        e.activity_task_started_event_attributes.attempt
        async for e in handle.fetch_history_events()
        if e.HasField("activity_task_started_event_attributes")
    ]
    assert max(started) >= 2, "the lost answer was never retried"


async def _status_of(client: Client, payment_id: str) -> str | None:
    query = f"WorkflowId = '{payment_id}' AND PaymentStatus = 'outcome_unknown'"
    found = [w async for w in client.list_workflows(query)]
    return "outcome_unknown" if found else None


async def test_unanswerable_outcome_is_flagged_then_resolved(
    client: Client,
    settings: Settings,
    secondary: Simulator,
    own_primary: tuple[ManagedProcess, SimulatorAdmin],
) -> None:
    proc, primary = own_primary
    two = _settings(settings, primary.url, secondary.url)
    options = PaymentOptions(unknown_outcome_alert_seconds=3, refund_window_seconds=5)
    async with worker_http(two) as http, build_worker(client, two, http):
        primary.faults(**HANG, operations=["authorize"])
        paying = asyncio.create_task(pay(client, two, amount=2800, options=options))
        await asyncio.sleep(1.0)
        proc.kill(signal.SIGKILL)  # the hold is committed; its answer and the processor are gone
        view = await asyncio.wait_for(paying, 60)
        assert view.status is PaymentStatus.OUTCOME_UNKNOWN
        for _ in range(50):
            if await _status_of(client, view.payment_id):
                break
            await asyncio.sleep(0.2)
        assert await _status_of(client, view.payment_id) == "outcome_unknown"
        assert secondary.attempts(view.payment_id) == [], "failed over while an effect may exist"

        proc.start()
        await proc.wait_ready_async(lambda: simulator_healthy(primary), timeout=30)
        for _ in range(150):
            view = await ops.payment_view(client, view.payment_id, refunds=None)
            if view.status is PaymentStatus.CAPTURED:
                break
            await asyncio.sleep(0.2)
    assert (view.status, view.processor) == (PaymentStatus.CAPTURED, "primary")
    assert steps(primary.effects(view.payment_id)) == ["authorize", "capture"]
    events = [t.event.value for t in view.transitions]
    assert events == ["outcome_unknown", "resolved", "authorized", "captured"]
