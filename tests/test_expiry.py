"""Long timers with time skipping: a 7-day authorization expiry and a 30-day refund window."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from facade import operations as ops
from infra.converter import build_data_converter
from infra.keyring import load_keyring
from infra.settings import Settings
from payments.models import CaptureMethod, PaymentOptions, PaymentView
from payments.search_attributes import dev_server_args
from payments.status import PaymentStatus
from stack.commands import temporal_binary
from tests.helpers import Simulator, pay, steps
from worker import build_worker, worker_http

WEEK = 7 * 86400


@pytest.fixture(scope="module")
async def env(run_dir: Path) -> AsyncIterator[WorkflowEnvironment]:
    """A dev server with per-workflow time skipping."""
    env = await WorkflowEnvironment.start_time_skipping_v2(
        dev_server_existing_path=str(temporal_binary()),
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
            *dev_server_args(),
        ],
        data_converter=build_data_converter(load_keyring(run_dir / "codec-keys.json")),
    )
    async with env:
        yield env


@pytest.fixture
def ts_settings(run_dir: Path, simulator: Simulator) -> Settings:
    return Settings(
        processor_url=simulator.url,
        run_dir=run_dir,
        task_queue=f"ts-{uuid.uuid4().hex[:8]}",
        processor_timeout_seconds=2.0,
    )


async def test_authorization_expires_after_seven_days(
    env: WorkflowEnvironment, ts_settings: Settings, simulator: Simulator
) -> None:
    async with worker_http(ts_settings) as http, build_worker(env.client, ts_settings, http):
        view = await pay(
            env.client,
            ts_settings,
            capture=CaptureMethod.MANUAL,
            options=PaymentOptions(authorization_ttl_seconds=WEEK),
        )
        handle = env.client.get_workflow_handle(view.payment_id, result_type=PaymentView)
        final = await handle.result()
    assert final.status is PaymentStatus.EXPIRED
    assert final.transitions[-1].at - final.transitions[0].at >= timedelta(seconds=WEEK)
    assert steps(simulator.effects(view.payment_id)) == ["authorize", "void"]


async def test_capture_inside_window_then_refund_window_closes(
    env: WorkflowEnvironment, ts_settings: Settings, simulator: Simulator
) -> None:
    async with worker_http(ts_settings) as http, build_worker(env.client, ts_settings, http):
        with env.with_time_skipping_disabled():
            view = await pay(
                env.client,
                ts_settings,
                capture=CaptureMethod.MANUAL,
                options=PaymentOptions(
                    authorization_ttl_seconds=WEEK, refund_window_seconds=30 * 86400
                ),
            )
        handle = env.client.get_workflow_handle(view.payment_id, result_type=PaymentView)
        await env.fast_forward(handle, timedelta(days=6))
        view = await ops.capture(env.client, view.payment_id, 700)
        assert view.status is PaymentStatus.CAPTURED
        await env.fast_forward(handle, timedelta(days=31))
        final = await handle.result(rpc_timeout=timedelta(seconds=30))
    assert final.status is PaymentStatus.CAPTURED
    assert steps(simulator.effects(view.payment_id)) == ["authorize", "capture"]
