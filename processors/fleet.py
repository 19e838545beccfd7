"""Every configured processor behind its breaker and rate limit, in routing order.

Works on the ``Processor`` Protocol only, so failover, breakers and rate limits are the same
for every kind of adapter.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from payments.errors import ErrorType
from processors.errors import ProcessorFailure
from processors.protocol import Processor
from processors.routing import ProcessorBoard

T = TypeVar("T")
Observer = Callable[[str, float, ProcessorFailure | None], None]
"""Told each call's processor name, start time (monotonic) and failure, if any."""


class Fleet:
    """Named processors, their breakers and buckets (``ProcessorBoard``)."""

    def __init__(
        self,
        processors: Mapping[str, Processor],
        board: ProcessorBoard,
        *,
        observe: Observer | None = None,
    ) -> None:
        """``board`` must know every name in ``processors``."""
        self.processors = dict(processors)
        self.board = board
        self._observe = observe

    def order(self) -> list[str]:
        """Processor names in the order to try them (healthy ones first, by priority)."""
        return self.board.order()

    def in_order(self) -> list[Processor]:
        """The processors themselves, in routing order."""
        return [self.processors[name] for name in self.order()]

    async def call(
        self,
        name: str,
        call: Callable[[Processor], Awaitable[T]],
        *,
        may_fail_over: bool = False,
    ) -> T:
        """One rate-limited call to ``name``; its outcome feeds the processor's breaker.

        Before an authorization exists (``may_fail_over``), an open breaker refuses at once so
        the payment moves to a healthy processor instead of waiting on this one.

        Raises:
            ProcessorFailure: The processor's failure, or ``CIRCUIT_OPEN`` without a call.
        """
        breaker = self.board.breakers[name]
        if may_fail_over and not breaker.available():
            raise ProcessorFailure(
                ErrorType.CIRCUIT_OPEN, "circuit_open", f"circuit breaker for {name} is open"
            )
        await self.board.buckets[name].acquire()
        breaker.before_call()
        started = time.monotonic()
        try:
            result = await call(self.processors[name])
        except ProcessorFailure as failure:
            # Declines and refusals are answers: only retryable failures count against it.
            self.board.record(name, healthy=not failure.error_type.retryable)
            self._tell(name, started, failure)
            raise
        self.board.record(name, healthy=True)
        self._tell(name, started, None)
        return result

    def _tell(self, name: str, started: float, failure: ProcessorFailure | None) -> None:
        if self._observe is not None:
            self._observe(name, started, failure)
