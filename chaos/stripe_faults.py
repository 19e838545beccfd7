"""Lost answers at the Stripe secondary: localstripe stopped (SIGSTOP) for a few seconds.

localstripe has no fault switches. Stopped, the kernel still accepts connections and buffers
the requests: the workers' calls time out (their processor timeout is 3 s), the outcome is
unknown, and localstripe applies the requests when it continues. That is the effect-then-
timeout window at Stripe, which only inquiry (a PaymentIntent list, matched by metadata) can
resolve without a second PaymentIntent, since localstripe ignores ``Idempotency-Key``.

Stalls never overlap the primary's fault windows (a shared lock, held until the breakers have
reset): with both processors down at once an authorization rightly fails as
``processor_unavailable``, which the plans do not expect.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal

from chaos.monkey import FAULTS, Tally
from stack.procs import ManagedProcess

STALL = "stripe_stall (secondary)"
RECOVER_SECONDS = 6.0  # past the chaos workers' breaker reset (5 s)


class StripeStaller:
    """Stops and continues localstripe at seeded random intervals."""

    def __init__(self, proc: ManagedProcess, seed: int, tally: Tally, lock: asyncio.Lock) -> None:
        """Stall ``proc`` (localstripe) while holding ``lock``; windows counted in ``tally``."""
        self.proc = proc
        self.rng = random.Random(seed)  # noqa: S311 - reproducible chaos, not security
        self.tally = tally
        self.lock = lock

    def _signal(self, sig: signal.Signals) -> None:
        if self.proc.pid is not None and self.proc.alive:
            os.kill(self.proc.pid, sig)

    async def run(self, stop: asyncio.Event) -> None:
        """Quiet spells of 6-12 s, then stalls of 4-7 s (past the timeout) until ``stop``.

        The first stall waits until the primary had each fault once: its outage is what sends
        payments to Stripe in the first place (a quick run may end before any stall).
        """
        while not all(self.tally.fault_windows[k] for k in FAULTS):
            if await _stopped_within(stop, 1.0):
                return
        try:
            while not await _stopped_within(stop, self.rng.uniform(6, 12)):
                async with self.lock:  # the primary is healthy, its breakers closed again
                    if await _stopped_within(stop, RECOVER_SECONDS):
                        return
                    await self._stall(stop)
                    await _stopped_within(stop, RECOVER_SECONDS)
        finally:
            self._signal(signal.SIGCONT)

    async def _stall(self, stop: asyncio.Event) -> None:
        self._signal(signal.SIGSTOP)
        window = self.rng.uniform(4, 7)
        self.tally.fault_windows[STALL] += 1
        self.tally.fault_seconds += window
        try:
            await _stopped_within(stop, window)
        finally:
            self._signal(signal.SIGCONT)


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()
