"""Payments survive a SIGKILL of the worker mid-activity and of the Temporal server."""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import Client

from facade import operations as ops
from infra.settings import Settings
from infra.temporal_client import connect
from payments.models import CaptureMethod
from payments.status import PaymentStatus
from stack.checks import log_contains, temporal_healthy
from stack.commands import child_env, dev_server_command, worker_command
from stack.ports import free_port
from stack.procs import ManagedProcess
from tests.helpers import Simulator, pay, steps


def _worker(settings: Settings, run_dir: Path, name: str) -> ManagedProcess:
    env = child_env(
        {
            "PAYMENTS_TEMPORAL_ADDRESS": settings.temporal_address,
            "PAYMENTS_PROCESSOR_URL": settings.processor_url,
            "PAYMENTS_RUN_DIR": str(run_dir),
            "PAYMENTS_TASK_QUEUE": settings.task_queue,
        }
    )
    log = run_dir / "logs" / f"{name}.log"
    return ManagedProcess(name, worker_command(), log_file=log, env=env)


async def _start_worker(proc: ManagedProcess) -> ManagedProcess:
    proc.start()
    await proc.wait_ready_async(
        lambda: log_contains(proc.log_file, "worker ready", proc.log_offset), timeout=30
    )
    return proc


@pytest.fixture
def procs() -> Iterator[list[ManagedProcess]]:
    started: list[ManagedProcess] = []
    yield started
    for proc in started:
        proc.kill()


async def test_worker_sigkill_mid_authorize(
    client: Client,
    settings: Settings,
    run_dir: Path,
    simulator: Simulator,
    procs: list[ManagedProcess],
) -> None:
    first = await _start_worker(_worker(settings, run_dir, "worker-a"))
    procs.append(first)
    simulator.faults(latency_ms=3000, operations=["authorize"])
    try:
        paying = asyncio.create_task(pay(client, settings, amount=4200, wait_seconds=90))
        await asyncio.sleep(1.5)
        first.kill(signal.SIGKILL)
        procs.append(await _start_worker(_worker(settings, run_dir, "worker-b")))
        view = await asyncio.wait_for(paying, 90)
    finally:
        simulator.faults()
    assert view.status is PaymentStatus.CAPTURED
    effects = simulator.effects(view.payment_id)
    assert steps(effects) == ["authorize", "capture"]
    attempts = {a["step"]: a["count"] for a in simulator.attempts(view.payment_id)}
    assert attempts["authorize"] >= 2, attempts


async def test_payment_survives_server_sigkill(
    tmp_path: Path, run_dir: Path, simulator: Simulator, procs: list[ManagedProcess]
) -> None:
    port = free_port()
    address = f"127.0.0.1:{port}"
    server = ManagedProcess(
        "temporal-restart",
        dev_server_command(port=port, ui_port=free_port(), db_file=tmp_path / "temporal.db"),
        log_file=tmp_path / "temporal.log",
    )
    procs.append(server.start())
    await server.wait_ready_async(lambda: temporal_healthy(address), timeout=60)
    settings = Settings(
        temporal_address=address,
        processor_url=simulator.url,
        run_dir=run_dir,
        task_queue=f"restart-{uuid.uuid4().hex[:8]}",
    )
    procs.append(await _start_worker(_worker(settings, run_dir, "worker-restart")))
    client = await connect(settings)
    view = await pay(client, settings, capture=CaptureMethod.MANUAL, amount=3100)
    assert view.status is PaymentStatus.AUTHORIZED

    server.kill(signal.SIGKILL)
    server.start()
    await server.wait_ready_async(lambda: temporal_healthy(address), timeout=60)

    client = await connect(settings)
    view = await ops.capture(client, view.payment_id, None)
    assert view.status is PaymentStatus.CAPTURED
    assert (
        await ops.payment_view(client, view.payment_id, refunds=None)
    ).status is PaymentStatus.CAPTURED
    assert steps(simulator.effects(view.payment_id)) == ["authorize", "capture"]
