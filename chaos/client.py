"""A Temporal client that outlives server restarts: retry transient RPC failures, reconnect."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from temporalio.client import Client, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from infra.settings import Settings
from infra.temporal_client import connect
from payments.errors import NotFound, TemporalUnavailable

T = TypeVar("T")

# What a restarting server answers; none of these says anything about the payment itself.
TRANSIENT_STATUS = frozenset({
    RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED,
    RPCStatusCode.UNKNOWN, RPCStatusCode.INTERNAL, RPCStatusCode.RESOURCE_EXHAUSTED,
    RPCStatusCode.ABORTED,
})  # fmt: skip
RECONNECT_AFTER = 4


def transient(exc: BaseException) -> bool:
    """True if ``exc`` only says Temporal was not reached (or not ready) in time."""
    if isinstance(exc, RPCError):
        return exc.status in TRANSIENT_STATUS
    # NotFound too: a server still loading its database can briefly not know a workflow
    # that a previous call started; the caller's deadline bounds how long this is believed.
    return isinstance(
        exc,
        TemporalUnavailable | NotFound | WorkflowUpdateRPCTimeoutOrCancelledError | TimeoutError,
    )


class ClientBox:
    """One shared client for all drivers, replaced after repeated transient failures."""

    def __init__(self, settings: Settings) -> None:
        """Connect lazily with ``settings`` (the server may be down at any moment)."""
        self.settings = settings
        self.client: Client | None = None
        self.retries = 0
        self.reconnects = 0
        self._lock = asyncio.Lock()

    async def get(self) -> Client:
        """The current client, connecting lazily the first time."""
        async with self._lock:
            if self.client is None:
                self.client = await connect(self.settings, lazy=True)
            return self.client

    async def _reconnect(self, stale: Client) -> None:
        async with self._lock:
            if self.client is stale:  # another caller may have replaced it already
                self.client = await connect(self.settings, lazy=True)
                self.reconnects += 1

    async def call(self, op: Callable[[Client], Awaitable[T]], deadline: float) -> T:
        """Run ``op`` until it succeeds, fails for a real reason, or ``deadline`` passes.

        Args:
            op: One idempotent call (deterministic workflow, update and refund ids).
            deadline: ``time.monotonic()`` after which a transient failure is raised.
        """
        delay, failures = 0.5, 0
        while True:
            client = await self.get()
            try:
                return await op(client)
            except Exception as exc:
                if not transient(exc) or time.monotonic() > deadline:
                    raise
            self.retries += 1
            failures += 1
            if failures % RECONNECT_AFTER == 0:
                await self._reconnect(client)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 4.0)
