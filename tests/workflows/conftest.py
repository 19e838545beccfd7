"""The workflow tier: ``PaymentWorkflow`` alone, its activities replaced by fakes.

One time-skipping dev server and one worker serve the whole tier (as in
temporalio/samples-python); each payment has its own script in the shared fakes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.refund import RefundActivities
from infra.settings import Settings
from payments.search_attributes import dev_server_args
from stack.commands import FAIRNESS_ARGS, temporal_binary
from stores.refunds import open_refunds
from tests.workflows.fakes import FakeProcessors
from tests.workflows.harness import Tier
from worker import sandboxed_runner
from worker_group import WorkerGroup
from workflows.payment import PaymentWorkflow
from workflows.policies import processor_task_queue
from workflows.refund import RefundWorkflow

TASK_QUEUE = "workflow-tier"
PROCESSORS = ("primary", "secondary")
"""Every processor name the tier's scripts route to: each has its own task queue."""


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server with per-workflow time skipping (each workflow has its own clock)."""
    env = await WorkflowEnvironment.start_time_skipping_v2(
        dev_server_existing_path=str(temporal_binary()),
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
            *dev_server_args(),
            *FAIRNESS_ARGS,
        ],
        data_converter=pydantic_data_converter,
    )
    async with env:
        yield env


@pytest.fixture(scope="session")
async def tier(
    time_skipping_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Tier]:
    """The tier's worker (the real workflows and sandbox, fake processor activities) and its
    driver. A closed payment's refund runs the real refund activity on a real SQLite ledger,
    calling the fake processors; its clock is the tier's (``Tier.now``)."""
    fake = FakeProcessors()
    client = time_skipping_env.client
    ledger = await open_refunds(Settings(run_dir=tmp_path_factory.mktemp("tier")).database())
    tier = Tier(time_skipping_env, fake, TASK_QUEUE, ledger)
    refunds = RefundActivities(payments=fake, ledger=ledger, clock=tier.now)  # type: ignore[arg-type]
    activities = [*fake.all(), refunds.refund_closed_payment]
    main = Worker(
        client,
        task_queue=TASK_QUEUE,
        workflows=[PaymentWorkflow, RefundWorkflow],
        activities=activities,
        workflow_runner=sandboxed_runner(),
    )
    # As in production: processor calls go to each processor's queue (the fakes serve all).
    queues = [
        Worker(client, task_queue=processor_task_queue(TASK_QUEUE, name), activities=activities)
        for name in PROCESSORS
    ]
    async with WorkerGroup([main, *queues]):
        yield tier


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The transition coverage check runs after every other workflow test."""
    last = [i for i in items if i.get_closest_marker("after_workflow_tier")]
    items[:] = [i for i in items if i not in last] + last
