"""Adapters by kind: the one place that turns configured endpoints into ``Processor`` objects.

A new connector adds one entry to ``ADAPTERS``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

from infra.settings import ProcessorEndpoint
from processors.http import processor_session
from processors.protocol import Processor
from processors.simulator import SimulatorProcessor
from processors.stripe import StripeProcessor, api_key_of


@dataclass(frozen=True)
class Shared:
    """What every adapter of a process shares."""

    http: aiohttp.ClientSession
    unsafe_random_keys: bool = False
    """The chaos harness's test-only switch (``Settings.unsafe_random_idempotency_keys``)."""


Factory = Callable[[ProcessorEndpoint, Shared], Processor]


def _simulator(endpoint: ProcessorEndpoint, shared: Shared) -> Processor:
    return SimulatorProcessor(
        shared.http, endpoint.url, unsafe_random_keys=shared.unsafe_random_keys
    )


def _stripe(endpoint: ProcessorEndpoint, shared: Shared) -> Processor:
    # The key comes from the file or variable the entry names; it is never logged.
    return StripeProcessor(shared.http, endpoint.url, api_key_of(endpoint))


ADAPTERS: Mapping[str, Factory] = {"simulator": _simulator, "stripe": _stripe}


class UnknownProcessorKind(ValueError):
    """A configured processor names a kind no adapter implements."""


def build(endpoint: ProcessorEndpoint, shared: Shared) -> Processor:
    """The adapter for ``endpoint``'s kind.

    Raises:
        UnknownProcessorKind: For a kind no adapter implements.
    """
    factory = ADAPTERS.get(endpoint.kind)
    if factory is None:
        known = ", ".join(sorted(ADAPTERS))
        raise UnknownProcessorKind(
            f"processor {endpoint.name!r} has kind {endpoint.kind!r}; known kinds: {known}"
        )
    return factory(endpoint, shared)


def build_all(endpoints: Iterable[ProcessorEndpoint], shared: Shared) -> dict[str, Processor]:
    """One adapter per endpoint, by name."""
    return {e.name: build(e, shared) for e in endpoints}


@asynccontextmanager
async def opened(
    endpoints: Iterable[ProcessorEndpoint], *, timeout_seconds: float
) -> AsyncIterator[dict[str, Processor]]:
    """One pooled session and one adapter per endpoint, lowest priority first, held until exit.

    For a process's lifetime (the API's lifespan) or one command (the CLI); never per request.
    """
    ordered = sorted(endpoints, key=lambda e: (e.priority, e.name))
    async with processor_session(timeout_seconds) as http:
        yield build_all(ordered, Shared(http))
