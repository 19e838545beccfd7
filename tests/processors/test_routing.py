"""Circuit breakers and rate limits, with a controllable clock."""

from __future__ import annotations

import asyncio
import time

from processors.routing import BreakerState, CircuitBreaker, ProcessorBoard, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_probes_once_and_closes() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, reset_seconds=10, clock=clock)
    assert not breaker.record_failure() and not breaker.record_failure()
    assert breaker.record_failure() and breaker.state is BreakerState.OPEN
    assert not breaker.available()
    clock.now += 10
    assert breaker.available() and breaker.state is BreakerState.HALF_OPEN
    breaker.before_call()
    assert not breaker.available(), "only one probe at a time"
    assert breaker.record_success() and breaker.state is BreakerState.CLOSED


def test_failed_probe_reopens() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, reset_seconds=5, clock=clock)
    breaker.record_failure()
    clock.now += 5
    assert breaker.available()
    breaker.before_call()
    assert breaker.record_failure() and breaker.state is BreakerState.OPEN
    assert not breaker.available()


def test_board_routes_healthy_first_by_priority() -> None:
    changes: list[dict[str, str]] = []
    board = ProcessorBoard(
        {"secondary": 1, "primary": 0},
        threshold=1,
        reset_seconds=60,
        rate=10,
        burst=10,
        on_change=changes.append,
    )
    assert board.order() == ["primary", "secondary"]
    board.record("primary", healthy=False)
    assert board.order() == ["secondary", "primary"]
    assert changes == [{"secondary": "closed", "primary": "open"}]


async def test_bucket_queues_a_burst_instead_of_refusing() -> None:
    bucket = TokenBucket(rate=50, burst=5)
    started = time.monotonic()
    waits = await asyncio.gather(*(bucket.acquire() for _ in range(15)))
    assert sum(1 for w in waits if w == 0) == 5
    assert all(w >= 0 for w in waits)
    # Ten waited their turn at 50 per second: about 0.2 s in all. Timed from outside: a waiter
    # whose sleep overran (a busy machine) finds more tokens and adds up less waiting.
    assert time.monotonic() - started >= 0.18
