"""Two processors against real simulators: failover while no authorization exists, and breakers.

Settlement staying with the authorizing processor is proven in tests/workflows.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from infra.settings import ProcessorEndpoint, Settings
from payments.status import PaymentStatus
from tests.helpers import Simulator, pay, steps
from worker import build_worker, worker_http


@pytest.fixture
def reset_seconds() -> float:
    """How long a breaker stays open: long enough that a second payment finds it open."""
    return 8.0


@pytest.fixture
def two(
    run_dir: Path,
    temporal_address: str,
    simulator: Simulator,
    secondary: Simulator,
    reset_seconds: float,
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
        breaker_reset_seconds=reset_seconds,
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


@pytest.mark.parametrize("reset_seconds", [3.0])
async def test_restored_primary_closes_the_breaker(
    client: Client, two: Settings, simulator: Simulator
) -> None:
    simulator.faults(outage=True)
    try:
        assert (await pay(client, two)).processor == "secondary"
    finally:
        simulator.faults()
    assert breakers(two)["primary"] == "open"
    await asyncio.sleep(3.2)
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
