"""A rolling deploy with Worker Versioning, as the README's "Deploying new workflow code" does it.

Build A's workers start and become current; manual-capture payments start on A. Build B's
workers start with a deliberately incompatible ``PaymentWorkflow`` (``build_b``, no patch) and
the CLI makes B current. The payments from A still capture and cancel through the facade, on A
(their versioning info says so, and B's mark is absent); a new payment runs on B (mark present).
Then A drains (``describe-version``) and its workers stop.

Its own dev server: drainage is re-checked every 3 minutes by default, here every second.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion

from activities.clients import worker_http
from facade import operations as ops
from infra.deployment import deployment_version, make_current, wait_until_polled
from infra.settings import Settings
from infra.temporal_client import connect
from payments.ids import refund_workflow_id
from payments.models import CaptureMethod, PaymentView, RefundRequest
from payments.status import PaymentStatus
from stack.checks import temporal_healthy
from stack.commands import dev_server_command, temporal_binary
from stack.ports import free_port
from stack.procs import ManagedProcess
from tests.helpers import Simulator, pay, steps
from tests.versioning.build_b import BUILD_B_MARK, ChangedPaymentWorkflow
from worker import build_worker
from worker_group import WorkerGroup
from workflows.payment import PaymentWorkflow

FAST_DRAINAGE = [
    *("--dynamic-config-value", 'matching.wv.VersionDrainageStatusRefreshInterval="1s"'),
    *("--dynamic-config-value", 'matching.wv.VersionDrainageStatusVisibilityGracePeriod="1s"'),
]
STEP_SECONDS = 30.0
"""A step stuck longer than this (a workflow task failing on the wrong build) fails the test."""


@pytest.fixture(scope="module")
def versioned_address(run_dir: Path) -> Iterator[str]:
    """A dev server of its own that re-checks drainage every second."""
    port = free_port()
    proc = ManagedProcess(
        "temporal-versioning",
        dev_server_command(
            port=port,
            ui_port=free_port(),
            db_file=run_dir / "temporal-versioning.db",
            extra_args=FAST_DRAINAGE,
        ),
        log_file=run_dir / "logs" / "temporal-versioning.log",
    )
    address = f"127.0.0.1:{port}"
    with proc:
        proc.wait_ready(lambda: temporal_healthy(address), timeout=60)
        yield address


@pytest.fixture
def base(run_dir: Path, versioned_address: str, simulator: Simulator) -> Settings:
    """Settings shared by both builds: their own task queue and deployment name."""
    suffix = uuid.uuid4().hex[:8]
    return Settings(
        temporal_address=versioned_address,
        processor_url=simulator.url,
        run_dir=run_dir,
        task_queue=f"versioning-{suffix}",
        worker_deployment_name=f"payments-{suffix}",
        processor_timeout_seconds=2.0,
    )


@contextlib.asynccontextmanager
async def running(
    client: Client, settings: Settings, workflow: type[PaymentWorkflow] = PaymentWorkflow
) -> AsyncIterator[WorkerGroup]:
    """The production worker group of one build, polling until the block ends."""
    async with (
        worker_http(settings) as http,
        build_worker(client, settings, http, payment_workflow=workflow) as group,
    ):
        yield group


def _version(settings: Settings) -> WorkerDeploymentVersion:
    version = deployment_version(settings)
    assert version is not None
    return version


async def cli(address: str, *args: str) -> str:
    """The ``temporal`` CLI against the test's server (the README's commands)."""
    proc = await asyncio.create_subprocess_exec(
        str(temporal_binary()), *args, "--address", address,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def ran_on(client: Client, payment_id: str) -> tuple[str, VersioningBehavior]:
    """The build a payment's workflow ran on and its versioning behavior, as Temporal describes."""
    described = await client.get_workflow_handle(payment_id).describe()
    info = described.raw_description.workflow_execution_info.versioning_info
    return info.deployment_version.build_id, VersioningBehavior(info.behavior)


def marked(view: PaymentView) -> bool:
    """True if build B made any of the payment's transitions."""
    return any(BUILD_B_MARK in (t.detail or "") for t in view.transitions)


async def drained(address: str, settings: Settings) -> str:
    """Build ``settings``' drainage status from ``describe-version``, once it is drained."""
    version = _version(settings)
    args = ("--deployment-name", version.deployment_name, "--build-id", version.build_id)
    async with asyncio.timeout(STEP_SECONDS):
        while True:
            out = await cli(
                address, "worker", "deployment", "describe-version", *args, "-o", "json"
            )
            status = str(json.loads(out).get("drainageInfo", {}).get("drainageStatus", ""))
            if status == "drained":
                return status
            await asyncio.sleep(0.5)


async def test_payments_from_build_a_finish_on_a_while_new_ones_run_on_b(
    versioned_address: str, base: Settings, simulator: Simulator
) -> None:
    client = await connect(base)
    a = base.model_copy(update={"worker_build_id": "build-a"})
    b = base.model_copy(update={"worker_build_id": "build-b"})
    async with contextlib.AsyncExitStack() as build_a:
        group_a = await build_a.enter_async_context(running(client, a))
        async with asyncio.timeout(STEP_SECONDS):
            assert await make_current(client, _version(a), group_a.task_queues)
        old = [await pay(client, a, capture=CaptureMethod.MANUAL) for _ in range(2)]
        assert [v.status for v in old] == [PaymentStatus.AUTHORIZED] * 2

        async with running(client, b, ChangedPaymentWorkflow) as group_b:
            await _deploy(versioned_address, client, b, group_b)
            await _old_payments_finish_on_a(client, old, simulator)
            new = await pay(client, b, capture=CaptureMethod.MANUAL)
            async with asyncio.timeout(STEP_SECONDS):
                new = await ops.capture(client, new.payment_id, None)
            assert new.status is PaymentStatus.CAPTURED and marked(new), new.transitions
            assert await ran_on(client, new.payment_id) == ("build-b", VersioningBehavior.PINNED)

            assert await drained(versioned_address, a) == "drained"
            await build_a.aclose()  # stop build A's workers; B alone serves from here
            after = await pay(client, b, capture=CaptureMethod.AUTOMATIC)
            assert after.status is PaymentStatus.CAPTURED and marked(after)


async def _old_payments_finish_on_a(
    client: Client, old: list[PaymentView], simulator: Simulator
) -> None:
    """Build A's payments capture and cancel through the facade while B is current, on A."""
    async with asyncio.timeout(STEP_SECONDS):
        captured = await ops.capture(client, old[0].payment_id, None)
        canceled = await ops.cancel(client, old[1].payment_id)
        # A closed payment's refund is a new (short) workflow: it starts on the current build.
        refund = await ops.refund(
            client, captured.payment_id, RefundRequest(refund_id="re_old", amount=500)
        )
    assert (captured.status, canceled.status) == (PaymentStatus.CAPTURED, PaymentStatus.CANCELED)
    for view in (captured, canceled):
        assert not marked(view), view.transitions
        assert await ran_on(client, view.payment_id) == ("build-a", VersioningBehavior.PINNED)
    assert refund.amount == 500
    refund_wf = refund_workflow_id(captured.payment_id, "re_old")
    assert await ran_on(client, refund_wf) == ("build-b", VersioningBehavior.PINNED)
    assert steps(simulator.effects(captured.payment_id)) == ["authorize", "capture", "refund"]
    assert steps(simulator.effects(canceled.payment_id)) == ["authorize", "void"]


async def _deploy(address: str, client: Client, b: Settings, group_b: WorkerGroup) -> None:
    """The README's steps: wait until B polls every queue, then make it current with the CLI."""
    version = _version(b)
    async with asyncio.timeout(STEP_SECONDS):
        await wait_until_polled(client, version, group_b.task_queues)
    await cli(
        address, "worker", "deployment", "set-current-version", "--yes",
        "--deployment-name", version.deployment_name, "--build-id", version.build_id,
    )  # fmt: skip


async def test_a_payment_from_before_versioning_moves_to_the_current_build_and_stays(
    base: Settings,
) -> None:
    """Turning versioning on: an open payment of unversioned workers finishes on the current
    build, which replays its history (why changes keep patches while such payments are open)."""
    client = await connect(base)
    async with running(client, base):  # no build id: unversioned, as before this change
        old = await pay(client, base, capture=CaptureMethod.MANUAL)
    assert await ran_on(client, old.payment_id) == ("", VersioningBehavior.UNSPECIFIED)
    a = base.model_copy(update={"worker_build_id": "build-a"})
    async with running(client, a) as group_a, asyncio.timeout(STEP_SECONDS):
        await make_current(client, _version(a), group_a.task_queues)
        captured = await ops.capture(client, old.payment_id, None)
    assert captured.status is PaymentStatus.CAPTURED
    assert await ran_on(client, old.payment_id) == ("build-a", VersioningBehavior.PINNED)
