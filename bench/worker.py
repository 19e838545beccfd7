"""A bench worker process: the real payments worker plus the baseline worker, one process.

``python -m bench.worker``, configured by ``PAYMENTS_*`` like ``worker.py`` and by:
    BENCH_LOCAL_STEPS  "policy" (default: the table as committed), or a comma list of the steps
                       that run as local activities (others normal), e.g. "" or "balance,authorize"
    BENCH_UNSANDBOXED  "1" runs workflows without the sandbox (to measure what it costs)
    BENCH_PROFILE      a file to write cProfile statistics to when the worker stops
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal

from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from bench.baseline import BaselineActivities, BaselineWorkflow
from infra.exits import exit_now
from infra.settings import Settings
from infra.temporal_client import connect
from worker import (
    build_worker,
    keep_bytecode,
    sandboxed_runner,
    worker_http,
    worker_tuning,
)
from workflows import policies

READY = "worker ready"


def baseline_queue(task_queue: str) -> str:
    """The baseline's own task queue next to the payments queue."""
    return f"{task_queue}-baseline"


def apply_local_steps(spec: str) -> None:
    """Override which steps are local activities, in this process only.

    ``workflows.policies`` is imported through the sandbox's passthrough, so workflows see
    the same table object that is changed here.
    """
    if spec == "policy":
        return
    local = {s.strip() for s in spec.split(",") if s.strip()}
    for step, policy in list(policies.POLICIES.items()):
        policies.POLICIES[step] = dataclasses.replace(policy, local=step.value in local)


async def run() -> None:
    """Poll both task queues until SIGTERM."""
    keep_bytecode()
    apply_local_steps(os.environ.get("BENCH_LOCAL_STEPS", "policy"))
    settings = Settings()
    unsandboxed = os.environ.get("BENCH_UNSANDBOXED") == "1"
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    client = await connect(settings)
    async with worker_http(settings) as http:
        runner = UnsandboxedWorkflowRunner() if unsandboxed else sandboxed_runner()
        payments = build_worker(client, settings, http, runner)
        baseline = Worker(
            client,
            task_queue=baseline_queue(settings.task_queue),
            workflows=[BaselineWorkflow],
            activities=BaselineActivities().all(),
            workflow_runner=runner,
            **worker_tuning(settings),
        )
        async with payments, baseline:
            local = [s.value for s, p in policies.POLICIES.items() if p.local]
            print(f"{READY} pid={os.getpid()} local={','.join(local) or '-'}", flush=True)
            await stop.wait()


def _main() -> None:
    """Run, under cProfile when ``BENCH_PROFILE`` names a stats file (to find worker hot spots)."""
    target = os.environ.get("BENCH_PROFILE")
    if not target:
        asyncio.run(run())
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.runcall(asyncio.run, run())
    profiler.dump_stats(target)


if __name__ == "__main__":
    _main()
    exit_now(0)
