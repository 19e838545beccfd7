"""Per-processor circuit breakers and rate limits, held in each worker process.

The rate limit that holds across workers is the server's, on each processor's task queue
(``worker_group``); the bucket here is this process's own ceiling (and the only one for the
local balance check).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class BreakerState(StrEnum):
    """Closed lets calls through; open refuses them; half-open lets one probe through."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    """Opens after ``threshold`` consecutive availability failures; probes after ``reset_seconds``.

    Declines are successes here: the processor answered.
    """

    threshold: int
    reset_seconds: float
    clock: Callable[[], float] = time.monotonic
    state: BreakerState = BreakerState.CLOSED
    failures: int = 0
    opened_at: float = 0.0
    probing: bool = False

    def available(self) -> bool:
        """Whether a call may go to this processor now (may move open to half-open)."""
        if self.state is BreakerState.OPEN and self.clock() - self.opened_at >= self.reset_seconds:
            self.state, self.probing = BreakerState.HALF_OPEN, False
        if self.state is BreakerState.HALF_OPEN:
            return not self.probing
        return self.state is BreakerState.CLOSED

    def before_call(self) -> None:
        """Mark the half-open probe as taken, so only one goes through."""
        if self.state is BreakerState.HALF_OPEN:
            self.probing = True

    def record_success(self) -> bool:
        """The processor answered. Returns True if the state changed."""
        changed = self.state is not BreakerState.CLOSED
        self.state, self.failures, self.probing = BreakerState.CLOSED, 0, False
        return changed

    def record_failure(self) -> bool:
        """The processor failed or did not answer. Returns True if the state changed."""
        self.failures += 1
        if self.state is BreakerState.HALF_OPEN or (
            self.state is BreakerState.CLOSED and self.failures >= self.threshold
        ):
            self.state, self.opened_at, self.probing = BreakerState.OPEN, self.clock(), False
            return True
        return False


@dataclass
class TokenBucket:
    """Smooths bursts: callers wait for a token instead of being refused."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(default=-1.0)
    stamp: float = 0.0

    def __post_init__(self) -> None:
        self.tokens, self.stamp = self.burst, self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    async def acquire(self) -> float:
        """Wait until a token is free; returns the seconds waited."""
        waited = 0.0
        self._refill()
        while self.tokens < 1:
            delay = (1 - self.tokens) / self.rate
            await asyncio.sleep(delay)
            waited += delay
            self._refill()
        self.tokens -= 1
        return waited


class ProcessorBoard:
    """Breakers and buckets for every processor, and the routing order they imply."""

    def __init__(
        self,
        priorities: dict[str, int],
        *,
        threshold: int,
        reset_seconds: float,
        rate: float,
        burst: float,
        rates: dict[str, float] | None = None,
        on_change: Callable[[dict[str, str]], None] | None = None,
    ) -> None:
        """``priorities`` maps processor name to priority (lower goes first); ``rates`` maps a
        name to its own rate (``rate`` for the others)."""
        self._priorities = priorities
        self.breakers = {n: CircuitBreaker(threshold, reset_seconds) for n in priorities}
        rates = rates or {}
        self.buckets = {n: TokenBucket(rates.get(n, rate), burst) for n in priorities}
        self._on_change = on_change

    def order(self) -> list[str]:
        """Available processors by priority, then the unavailable ones as a last resort."""
        by_priority = sorted(self._priorities, key=lambda n: (self._priorities[n], n))
        up = [n for n in by_priority if self.breakers[n].available()]
        return up + [n for n in by_priority if n not in up]

    def states(self) -> dict[str, str]:
        """Each breaker's state, for operators."""
        return {name: b.state.value for name, b in self.breakers.items()}

    def record(self, name: str, *, healthy: bool) -> None:
        """Feed one call's outcome into the processor's breaker."""
        breaker = self.breakers[name]
        changed = breaker.record_success() if healthy else breaker.record_failure()
        if changed and self._on_change is not None:
            self._on_change(self.states())
