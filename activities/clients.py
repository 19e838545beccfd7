"""The pooled HTTP clients and processor adapters a worker opens once for all its activities."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
import httpx

from infra.settings import Settings
from processors.http import processor_session
from processors.protocol import Processor
from processors.registry import Shared, build_all


@dataclass(frozen=True)
class WorkerHttp:
    """The pooled HTTP clients of a worker process."""

    processors: aiohttp.ClientSession
    """Card processor calls (the hot path, three per payment)."""
    web: httpx.AsyncClient
    """Merchant webhooks."""


@asynccontextmanager
async def worker_http(settings: Settings) -> AsyncIterator[WorkerHttp]:
    """Open the worker's HTTP clients for the lifetime of a worker, and close them after."""
    async with (
        processor_session(settings.processor_timeout_seconds) as processors,
        httpx.AsyncClient(timeout=settings.processor_timeout_seconds) as web,
    ):
        yield WorkerHttp(processors=processors, web=web)


def worker_processors(settings: Settings, http: WorkerHttp) -> dict[str, Processor]:
    """One adapter per configured processor (by its kind), all on the worker's session."""
    shared = Shared(http.processors, unsafe_random_keys=settings.unsafe_random_idempotency_keys)
    return build_all(settings.resolved_processors(), shared)
