"""Run a payments worker: ``python worker.py`` (configured by ``PAYMENTS_*`` variables)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys

from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.balance import calls_per_task
from activities.clients import WorkerHttp, worker_http, worker_processors
from activities.notify import NotifyActivities
from activities.outcomes import observe
from activities.payment import PaymentActivities
from activities.reconcile import ReconcileActivities
from activities.refund import RefundActivities
from infra import metrics, tracing
from infra.deployment import deployment_config, promote, version_name
from infra.exits import exit_now
from infra.keyring import KeyringError, load_keyring
from infra.logging_setup import configure as configure_logging
from infra.settings import Settings
from infra.temporal_client import connect
from processors.fleet import Fleet
from processors.routing import ProcessorBoard
from stores import migrate, pg
from stores.database import DatabaseUnavailable, check_reachable
from stores.findings import findings_on
from stores.merchants import directory_on
from stores.refunds import refunds_on
from stores.vault import vault_on
from worker_group import WorkerGroup, processor_workers, worker_tuning
from workflows.payment import PaymentWorkflow
from workflows.reconciliation import ReconciliationWorkflow
from workflows.reconciliation_schedule import ensure_schedule
from workflows.refund import RefundWorkflow

log = logging.getLogger("payments.worker")

# Domain modules are deterministic and free of I/O at import, so the sandbox may share them.
PASSTHROUGH = (
    "payments",
    "infra",
    "stores",
    "activities",
    "processors",
    "pydantic",
    "pydantic_core",
    "httpx",
    "aiohttp",
    "cryptography",
)
# The stores the worker's activities use (the API's own area is the API's).
WORKER_AREAS = ("vault", "merchants", "findings", "refunds")


def sandboxed_runner() -> SandboxedWorkflowRunner:
    """The sandbox, sharing the domain modules instead of re-importing them per workflow."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
    )


def processor_board(settings: Settings) -> ProcessorBoard:
    """Breakers and rate limits for this worker; state changes go to a file operators read."""
    state_file = settings.run_dir / "breakers" / f"worker-{os.getpid()}.json"

    def publish(states: dict[str, str]) -> None:
        state_file.parent.mkdir(parents=True, exist_ok=True)
        state_file.write_text(json.dumps({"pid": os.getpid(), "breakers": states}) + "\n")
        metrics.set_breakers(states)
        log.warning("circuit breakers now %s", states)

    board = ProcessorBoard(
        {p.name: p.priority for p in settings.resolved_processors()},
        threshold=settings.breaker_threshold,
        reset_seconds=settings.breaker_reset_seconds,
        rate=settings.processor_rate_per_second,
        burst=settings.processor_burst,
        rates={p.name: settings.processor_rate(p) for p in settings.resolved_processors()},
        on_change=publish,
    )
    metrics.set_breakers(board.states())
    return board


def build_worker(
    client: Client,
    settings: Settings,
    http: WorkerHttp,
    runner: WorkflowRunner | None = None,
    *,
    queue_limits: bool = True,
    payment_workflow: type[PaymentWorkflow] = PaymentWorkflow,
) -> WorkerGroup:
    """The payments queue's worker and one worker per processor queue, limits from settings.

    The payments queue keeps every activity too: histories from before the per-processor
    queues scheduled processor calls there. With a build id in settings every worker of the
    group polls as that deployment version, so a pinned payment's activities stay on its build.
    ``payment_workflow`` lets the versioning test run a deliberately changed build.
    """
    at_rest = load_keyring(settings.resolved_vault_key_file())
    db = settings.database()
    for area in WORKER_AREAS:
        # Once, before any polling: blocking the loop here delays no activity.
        migrate.apply(db, area)
    vault = vault_on(db, at_rest)
    processors = worker_processors(settings, http)
    fleet = Fleet(processors, processor_board(settings), observe=observe)
    activities = PaymentActivities(fleet=fleet, vault=vault)
    ledger = refunds_on(db)
    refunds = RefundActivities(payments=activities, ledger=ledger)
    notify = NotifyActivities(
        directory=directory_on(db, at_rest),
        http=http.web,
        timeout=settings.webhook_timeout_seconds,
        allow_private=settings.webhook_allow_private_targets,
    )
    reconcile = ReconcileActivities(
        processors=processors,
        store=findings_on(db),
        refunds=ledger,
    )
    main = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[payment_workflow, ReconciliationWorkflow, RefundWorkflow],
        activities=[*activities.all(), notify.notify, reconcile.reconcile],
        workflow_runner=runner or sandboxed_runner(),
        deployment_config=deployment_config(settings),
        **worker_tuning(settings),
    )
    # A closed payment's refund runs where its capture ran: on the processor's queue.
    calls = [*activities.processor_calls(), refunds.refund_closed_payment]
    per_task = {name: calls_per_task(p) for name, p in processors.items()}
    queues = processor_workers(
        client, settings, calls, queue_limits=queue_limits, calls_per_task=per_task
    )
    return WorkerGroup([main, *queues])


def sdk_runtime(settings: Settings) -> Runtime | None:
    """A runtime exporting the SDK's own metrics to Prometheus, if a port is configured."""
    if settings.sdk_metrics_port is None:
        return None
    prometheus = PrometheusConfig(bind_address=f"127.0.0.1:{settings.sdk_metrics_port}")
    return Runtime(telemetry=TelemetryConfig(metrics=prometheus))


async def run(settings: Settings) -> None:
    """Poll until SIGTERM or SIGINT, then let in-flight activities finish and exit."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    client = await connect(settings, runtime=sdk_runtime(settings))
    metrics.serve(settings.metrics_port)
    async with worker_http(settings) as http:
        worker = build_worker(client, settings, http)
        async with worker:
            await promote(client, settings, worker.task_queues)
            await ensure_schedule(client, settings)
            if settings.unsafe_random_idempotency_keys:
                log.warning("UNSAFE: random idempotency keys per attempt (chaos harness only)")
            log.info("worker ready task_queue=%s version=%s pid=%d", settings.task_queue,
                     version_name(settings), os.getpid())  # fmt: skip
            sys.stdout.flush()
            await stop.wait()
            log.info("shutting down")
    await pg.close_all()


def keep_bytecode() -> None:
    """Let Python cache compiled modules even when PYTHONDONTWRITEBYTECODE is set.

    The workflow sandbox re-imports the workflow modules for every workflow run; without
    cached bytecode each re-import compiles the source again (a cProfile of make bench showed
    compile() taking 6-7% of the worker's CPU).
    """
    sys.dont_write_bytecode = False


def main() -> int:
    """Entry point."""
    settings = Settings()
    try:
        # First, so a wrong database URL is one line instead of a failure deep in a store.
        check_reachable(settings.database())
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    keep_bytecode()
    configure_logging("worker")
    tracing.setup("payments-worker", settings)
    try:
        asyncio.run(run(settings))
    except (KeyringError, DatabaseUnavailable) as exc:
        log.error("cannot start: %s", exc)
        return 2
    return 0


if __name__ == "__main__":
    code = main()
    exit_now(code)
