"""The recorder's own processes: a dev server, a time-skipping server and four simulators.

Each fault scenario gets its own primary simulator, because faults are simulator-wide and the
scenarios run at the same time; ``plain`` is everyone's healthy processor (and secondary).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from payments.search_attributes import dev_server_args
from processors.simulator.admin import SimulatorAdmin
from stack.checks import temporal_healthy
from stack.commands import FAIRNESS_ARGS, dev_server_command, temporal_binary
from stack.ports import free_port
from stack.procs import ManagedProcess
from tests.helpers import simulator_healthy, simulator_process
from tests.replay import REPLAY_CONVERTER

SIMULATORS = ("plain", "outage", "hang", "killed")
IDENTITY = "replay-recorder"
"""Worker and client identity in the histories, instead of pid@hostname."""


@dataclass(frozen=True)
class RecordingStack:
    """Everything the scenarios talk to."""

    client: Client
    skipping: WorkflowEnvironment
    sims: dict[str, SimulatorAdmin]
    procs: dict[str, ManagedProcess]


async def _time_skipping() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_time_skipping_v2(
        dev_server_existing_path=str(temporal_binary()),
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
            *dev_server_args(),
            *FAIRNESS_ARGS,
        ],
        data_converter=REPLAY_CONVERTER,
        identity=IDENTITY,
    )


async def _ready(
    procs: dict[str, ManagedProcess], sims: dict[str, SimulatorAdmin], address: str
) -> None:
    waits = [procs["temporal"].wait_ready_async(lambda: temporal_healthy(address), timeout=60)]
    for name, admin in sims.items():
        check = functools.partial(simulator_healthy, admin)
        waits.append(procs[name].wait_ready_async(check, timeout=30))
    await asyncio.gather(*waits)


@contextlib.asynccontextmanager
async def recording_stack(run_dir: Path) -> AsyncIterator[RecordingStack]:
    """Start everything at once, wait until healthy, stop it all on exit."""
    port = free_port()
    address = f"127.0.0.1:{port}"
    temporal = ManagedProcess(
        "temporal",
        dev_server_command(port=port, ui_port=free_port(), db_file=run_dir / "temporal.db"),
        log_file=run_dir / "logs" / "temporal.log",
    )
    procs = {"temporal": temporal}
    sims: dict[str, SimulatorAdmin] = {}
    for name in SIMULATORS:
        procs[name], sims[name] = simulator_process(run_dir, name)
    with contextlib.ExitStack() as stop:
        for proc in procs.values():
            stop.enter_context(proc)
        skipping = await _time_skipping()
        async with skipping:
            await _ready(procs, sims, address)
            client = await Client.connect(
                address, data_converter=REPLAY_CONVERTER, identity=IDENTITY
            )
            yield RecordingStack(client, skipping, sims, procs)
