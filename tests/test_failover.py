"""Two processors: failover while no authorization exists, breakers, and sticky settlement."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from facade import operations as ops
from infra.settings import ProcessorEndpoint, Settings
from payments.models import CaptureMethod, RefundRequest
from payments.status import PaymentStatus
from tests.helpers import Simulator, pay, steps
from worker import build_worker, worker_http


@pytest.fixture
def two(
    run_dir: Path, temporal_address: str, simulator: Simulator, secondary: Simulator
) -> Settings:
    return Settings(
        temporal_address=temporal_address,
        processor_url=simulator.url,
        processors=[
            ProcessorEndpoint(name="primary", url=simulator.url, priority=0),
            ProcessorEndpoint(name="secondary", url=secondary.url, priority=1),
        ],
        run_dir=run_dir / f"fo-{uuid.uuid4().hex[:6]}",
        vault_key_file=run_dir / "vault-key.json",
        vault_db=run_dir / "vault.db",
        task_queue=f"failover-{uuid.uuid4().hex[:8]}",
        processor_timeout_seconds=2.0,
        breaker_threshold=2,
        breaker_reset_seconds=8.0,
    )


@pytest.fixture
async def fo_worker(client: Client, two: Settings) -> AsyncIterator[None]:
    async with worker_http(two) as http, build_worker(client, two, http):
        yield


@pytest.fixture
def primary_down(simulator: Simulator) -> AsyncIterator[None]:
    simulator.faults(outage=True)
    yield
    simulator.faults()


def breakers(settings: Settings) -> dict[str, str]:
    (state_file,) = (settings.run_dir / "breakers").glob("worker-*.json")
    return dict(json.loads(state_file.read_text())["breakers"])


pytestmark = pytest.mark.usefixtures("fo_worker")


@pytest.mark.usefixtures("primary_down")
async def test_primary_down_pays_on_secondary_and_opens_the_breaker(
    client: Client, two: Settings, secondary: Simulator, simulator: Simulator
) -> None:
    first = await pay(client, two, amount=1200)
    assert (first.status, first.processor) == (PaymentStatus.CAPTURED, "secondary")
    assert [t.event.value for t in first.transitions][:2] == ["failed_over", "authorized"]
    assert steps(secondary.effects(first.payment_id)) == ["authorize", "capture"]
    assert simulator.effects(first.payment_id) == []
    assert breakers(two)["primary"] == "open"
    second = await pay(client, two, amount=1300)
    assert second.processor == "secondary"
    assert {a.processor for a in second.attempts} == {"secondary"}, "waited on an open breaker"


async def test_restored_primary_closes_the_breaker(
    client: Client, two: Settings, simulator: Simulator
) -> None:
    simulator.faults(outage=True)
    try:
        assert (await pay(client, two)).processor == "secondary"
    finally:
        simulator.faults()
    assert breakers(two)["primary"] == "open"
    await asyncio.sleep(8.2)
    probe = await pay(client, two)
    assert probe.processor == "primary"
    assert breakers(two)["primary"] == "closed"


async def test_a_decline_is_not_retried_elsewhere(
    client: Client, two: Settings, secondary: Simulator
) -> None:
    view = await pay(client, two, card="decline")
    assert view.status is PaymentStatus.FAILED
    assert {a.processor for a in view.attempts} == {"primary"}
    assert secondary.effects(view.payment_id) == []
    assert secondary.attempts(view.payment_id) == []


async def test_refund_goes_to_the_processor_that_captured(
    client: Client, two: Settings, simulator: Simulator, secondary: Simulator
) -> None:
    simulator.faults(outage=True)
    try:
        view = await pay(client, two, amount=2000)
    finally:
        simulator.faults()
    assert view.processor == "secondary"
    await ops.refund(client, view.payment_id, RefundRequest(refund_id="re_sticky", amount=500))
    assert steps(secondary.effects(view.payment_id)) == ["authorize", "capture", "refund"]
    assert simulator.effects(view.payment_id) == []


async def test_manual_capture_stays_with_the_authorizing_processor(
    client: Client, two: Settings, simulator: Simulator, secondary: Simulator
) -> None:
    view = await pay(client, two, capture=CaptureMethod.MANUAL)
    assert view.processor == "primary"
    simulator.faults(outage=True)
    try:
        capturing = asyncio.create_task(ops.capture(client, view.payment_id, None))
        await asyncio.sleep(3)
        assert not capturing.done(), "capture must wait for its own processor"
    finally:
        simulator.faults()
    assert (await asyncio.wait_for(capturing, 60)).status is PaymentStatus.CAPTURED
    assert steps(simulator.effects(view.payment_id)) == ["authorize", "capture"]
    assert secondary.effects(view.payment_id) == []
