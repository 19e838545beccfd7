"""The pooled HTTP clients a worker process opens once and shares across its activities."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
import httpx

from infra.settings import Settings
from payments.processor import processor_session


@dataclass(frozen=True)
class WorkerHttp:
    """The pooled HTTP clients of a worker process."""

    processors: aiohttp.ClientSession
    """Card processor calls (the hot path, three per payment)."""
    web: httpx.AsyncClient
    """Merchant webhooks and the reconciliation's ledger reads."""


@asynccontextmanager
async def worker_http(settings: Settings) -> AsyncIterator[WorkerHttp]:
    """Open the worker's HTTP clients for the lifetime of a worker, and close them after."""
    async with (
        processor_session(settings.processor_timeout_seconds) as processors,
        httpx.AsyncClient(timeout=settings.processor_timeout_seconds) as web,
    ):
        yield WorkerHttp(processors=processors, web=web)
