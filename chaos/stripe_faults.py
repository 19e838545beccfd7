"""Lost answers at the Stripe secondary: localstripe stopped (SIGSTOP) for a few seconds.

localstripe has no fault switches. Stopped, the kernel still accepts connections and buffers
the requests: the workers' calls time out (their processor timeout is 3 s), the outcome is
unknown, and localstripe applies the requests when it continues. That is the effect-then-
timeout window at Stripe, which only inquiry (a PaymentIntent list, matched by metadata) can
resolve without a second PaymentIntent, since localstripe ignores ``Idempotency-Key``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal

from chaos.monkey import Tally
from stack.procs import ManagedProcess

STALL = "stripe_stall (secondary)"


class StripeStaller:
    """Stops and continues localstripe at seeded random intervals."""

    def __init__(self, proc: ManagedProcess, seed: int, tally: Tally) -> None:
        """Stall ``proc`` (localstripe); windows are counted in ``tally``."""
        self.proc = proc
        self.rng = random.Random(seed)  # noqa: S311 - reproducible chaos, not security
        self.tally = tally

    def _signal(self, sig: signal.Signals) -> None:
        if self.proc.pid is not None and self.proc.alive:
            os.kill(self.proc.pid, sig)

    async def run(self, stop: asyncio.Event) -> None:
        """Quiet spells of 6-12 s, then stalls of 4-7 s (past the timeout) until ``stop``."""
        try:
            while not await _stopped_within(stop, self.rng.uniform(6, 12)):
                self._signal(signal.SIGSTOP)
                window = self.rng.uniform(4, 7)
                self.tally.fault_windows[STALL] += 1
                self.tally.fault_seconds += window
                await _stopped_within(stop, window)
                self._signal(signal.SIGCONT)
        finally:
            self._signal(signal.SIGCONT)


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()
