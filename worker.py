"""Run a payments worker: ``python worker.py`` (configured by ``PAYMENTS_*`` variables)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from datetime import timedelta

import httpx
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.payment import PaymentActivities
from payments.keyring import KeyringError, load_keyring
from payments.processor import ProcessorClient
from payments.settings import Settings
from payments.temporal_client import connect
from payments.vault import CardVault
from workflows.payment import PaymentWorkflow

log = logging.getLogger("payments.worker")

# Domain modules are deterministic and free of I/O at import, so the sandbox may share them.
PASSTHROUGH = ("payments", "activities", "pydantic", "pydantic_core", "httpx", "cryptography")


def processor_http(settings: Settings) -> httpx.AsyncClient:
    """One pooled HTTP client for all processor calls of this process."""
    return httpx.AsyncClient(
        base_url=settings.processor_url,
        timeout=settings.processor_timeout_seconds,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
    )


def build_worker(client: Client, settings: Settings, http: httpx.AsyncClient) -> Worker:
    """A worker for the payment workflow and its activities, with limits from settings."""
    vault = CardVault(
        settings.resolved_vault_db(), load_keyring(settings.resolved_vault_key_file())
    )
    activities = PaymentActivities(processor=ProcessorClient(http), vault=vault)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[PaymentWorkflow],
        activities=activities.all(),
        workflow_runner=SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
        ),
        max_concurrent_activities=settings.max_concurrent_activities,
        max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
        max_cached_workflows=settings.max_cached_workflows,
        graceful_shutdown_timeout=timedelta(seconds=settings.graceful_shutdown_seconds),
    )


async def run(settings: Settings) -> None:
    """Poll until SIGTERM or SIGINT, then let in-flight activities finish and exit."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    client = await connect(settings)
    async with processor_http(settings) as http:
        worker = build_worker(client, settings, http)
        async with worker:
            log.info("worker ready task_queue=%s pid=%d", settings.task_queue, os.getpid())
            sys.stdout.flush()
            await stop.wait()
            log.info("shutting down")


def main() -> int:
    """Entry point."""
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stdout,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    settings = Settings()
    try:
        asyncio.run(run(settings))
    except KeyringError as exc:
        log.error("cannot start: %s", exc)
        return 2
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
