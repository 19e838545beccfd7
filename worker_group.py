"""The worker process's Temporal workers: the payments queue and one queue per processor.

Each processor's calls (authorize, inquire, capture, void, refund, and the refund of a closed
payment) run on ``<task_queue>-processor-<name>``, polled by every worker process with
``max_task_queue_activities_per_second`` set to the processor's contracted rate. The server
enforces that limit for the queue, so it holds however many workers poll it
(docs/processors.md, "Rate limits across workers").
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from types import TracebackType
from typing import Any

from temporalio.client import Client
from temporalio.worker import (
    PollerBehavior,
    PollerBehaviorAutoscaling,
    PollerBehaviorSimpleMaximum,
    Worker,
)

from infra.deployment import deployment_config
from infra.settings import ProcessorEndpoint, Settings
from workflows.policies import processor_task_queue


def _pollers(settings: Settings) -> PollerBehavior:
    if settings.poller_autoscaling:
        # Grows pollers while polls return work and shrinks them when idle (make bench).
        return PollerBehaviorAutoscaling(maximum=settings.max_pollers)
    return PollerBehaviorSimpleMaximum(maximum=settings.max_pollers)


def worker_tuning(settings: Settings) -> dict[str, Any]:
    """Slots, pollers, sticky cache and eager dispatch from settings, for every worker."""
    return {
        "max_concurrent_activities": settings.max_concurrent_activities,
        "max_concurrent_local_activities": settings.max_concurrent_local_activities,
        "max_concurrent_workflow_tasks": settings.max_concurrent_workflow_tasks,
        "max_cached_workflows": settings.max_cached_workflows,
        "workflow_task_poller_behavior": _pollers(settings),
        "activity_task_poller_behavior": _pollers(settings),
        "disable_eager_activity_execution": not settings.eager_activities,
        "graceful_shutdown_timeout": timedelta(seconds=settings.graceful_shutdown_seconds),
    }


def _task_rate(settings: Settings, p: ProcessorEndpoint, per_task: Mapping[str, int]) -> float:
    return settings.processor_rate(p) / per_task.get(p.name, 1)


def processor_workers(
    client: Client,
    settings: Settings,
    calls: Sequence[Callable[..., Any]],
    *,
    queue_limits: bool = True,
    calls_per_task: Mapping[str, int] | None = None,
) -> list[Worker]:
    """One activity worker per processor on its own queue, limited to its contracted rate.

    The contract counts calls and the queue's limit counts tasks, so a processor whose tasks
    make up to ``calls_per_task[name]`` calls gets that share of the rate in tasks. Then each
    worker's own per-call bucket (``processors.routing``) never binds in steady state: if it
    did, tasks would wait inside the worker first come first served, where the server's
    fairness keys do not reach. ``queue_limits=False`` limits each worker instead of the queue
    (``max_activities_per_second``): the old per-process limit, which tests compare against.
    """
    per_task = calls_per_task or {}
    return [
        Worker(
            client,
            task_queue=processor_task_queue(settings.task_queue, p.name),
            activities=list(calls),
            max_task_queue_activities_per_second=_task_rate(settings, p, per_task)
            if queue_limits
            else None,
            max_activities_per_second=None if queue_limits else _task_rate(settings, p, per_task),
            max_concurrent_activities=settings.max_concurrent_activities,
            activity_task_poller_behavior=_pollers(settings),
            graceful_shutdown_timeout=timedelta(seconds=settings.graceful_shutdown_seconds),
            # The payment's version too: a pinned payment's processor calls stay on its build.
            deployment_config=deployment_config(settings),
        )
        for p in settings.resolved_processors()
    ]


class WorkerGroup:
    """Several workers started and stopped together (``async with``)."""

    def __init__(self, workers: Sequence[Worker]) -> None:
        """The first worker is the payments queue's; the others are processor queues."""
        self.workers = list(workers)
        self._running: contextlib.AsyncExitStack | None = None

    @property
    def task_queues(self) -> list[str]:
        """Every task queue this group polls."""
        return [w.task_queue for w in self.workers]

    async def __aenter__(self) -> WorkerGroup:
        """Start every worker (stopping the started ones if one fails)."""
        async with contextlib.AsyncExitStack() as stack:
            for worker in self.workers:
                await stack.enter_async_context(worker)
            self._running = stack.pop_all()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop every worker, letting in-flight activities finish."""
        if self._running is not None:
            running, self._running = self._running, None
            await running.__aexit__(exc_type, exc, tb)
