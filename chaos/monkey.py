"""The chaos: worker SIGKILLs, dev-server SIGKILLs, processor fault windows, all seeded."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from chaos.stack import ChaosStack
from processors.simulator.admin import SimulatorAdmin

HANG_SECONDS = 6.0  # longer than the workers' processor timeout, so the answer is lost

FAULTS: dict[str, dict[str, Any]] = {
    "5xx_burst": {"error_rate": 0.5},
    "latency": {"latency_ms": 1500},
    "effect_then_timeout": {
        "effect_then_timeout_rate": 0.5,
        "hang_seconds": HANG_SECONDS,
        "operations": ["authorize", "capture", "void", "refund"],
    },
    "outage": {"outage": True},
}
FIRST_FAULT = "effect_then_timeout"


@dataclass
class Tally:
    """What the chaos actually did."""

    kill_events: int = 0
    workers_killed: int = 0
    server_restarts: int = 0
    unexpected_worker_exits: int = 0
    worker_ready_seconds: list[float] = field(default_factory=list)
    server_down_seconds: list[float] = field(default_factory=list)
    """From each SIGKILL until the restarted server served the namespace again."""
    kill_times: list[float] = field(default_factory=list)
    """``time.monotonic()`` of each kill event, to tell which challenge waits it hit."""
    fault_windows: Counter[str] = field(default_factory=Counter)
    fault_seconds: float = 0.0


class Monkey:
    """Kills and restarts workers and the dev server at seeded random intervals."""

    def __init__(
        self, stack: ChaosStack, seed: int, *, kills: int, restarts: int, gap: tuple[float, float]
    ) -> None:
        """``kills`` worker-kill events and ``restarts`` server restarts, ``gap`` seconds apart."""
        self.stack = stack
        self.rng = random.Random(seed)  # noqa: S311 - reproducible chaos, not security
        self.events = ["worker"] * kills + ["server"] * restarts
        self.rng.shuffle(self.events)
        self.gap = gap
        self.tally = Tally()
        self._lock = asyncio.Lock()

    async def run(self) -> Tally:
        """Play every event; restart anything that died on its own before each one."""
        for event in self.events:
            await asyncio.sleep(self.rng.uniform(*self.gap))
            async with self._lock:  # a worker killed by kill_all_when is not "unexpected"
                await self.heal()
                if event == "worker":
                    await self._kill_workers()
                else:
                    await self._restart_server()
        async with self._lock:
            await self.heal()
        return self.tally

    async def heal(self) -> None:
        """Start workers that exited without our kill (counted: they should not exist)."""
        for i in self.stack.dead_workers():
            self.tally.unexpected_worker_exits += 1
            self.tally.worker_ready_seconds.append(await self.stack.start_worker(i))

    async def kill_all_when(self, opened: asyncio.Event, stop: asyncio.Event) -> None:
        """SIGKILL every worker once ``opened`` is set (a payment waits for its challenge);
        nothing if ``stop`` comes first."""
        waits = {asyncio.ensure_future(opened.wait()), asyncio.ensure_future(stop.wait())}
        _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if stop.is_set():
            return
        async with self._lock:
            await self._kill_workers(everyone=True)

    async def _kill_workers(self, everyone: bool = False) -> None:
        # Now and then every worker at once, so in-flight tasks have nowhere to go.
        count = len(self.stack.workers)
        everyone = everyone or self.rng.random() < 0.2
        victims = list(range(count)) if everyone else [self.rng.randrange(count)]
        self.tally.kill_times.append(time.monotonic())
        for i in victims:
            self.stack.kill_worker(i)
        self.tally.kill_events += 1
        self.tally.workers_killed += len(victims)
        await asyncio.sleep(self.rng.uniform(0.2, 2.0))
        for i in victims:
            self.tally.worker_ready_seconds.append(await self.stack.start_worker(i))

    async def _restart_server(self) -> None:
        down = self.rng.uniform(0.5, 3.0)
        ready = await self.stack.restart_server(down)
        self.tally.server_restarts += 1
        self.tally.server_down_seconds.append(down + ready)


class FaultCycler:
    """Switches the primary's faults on and off: every kind once per shuffled round."""

    def __init__(
        self, admin: SimulatorAdmin, seed: int, tally: Tally, lock: asyncio.Lock | None = None
    ) -> None:
        """Faults go to ``admin``'s simulator; windows are counted in ``tally``.

        ``lock`` is held through each window, so faults on another processor never overlap.
        """
        self.admin = admin
        self.rng = random.Random(seed)  # noqa: S311 - reproducible chaos, not security
        self.tally = tally
        self.lock = lock

    async def run(self, stop: asyncio.Event) -> None:
        """Alternate fault windows (4-10 s) and quiet spells (3-8 s) until ``stop``."""
        # Lost answers first: they are what turns a missing idempotency key into a duplicate,
        # so even a short run exercises the window the unsafe switch must be caught in.
        cycle = [k for k in FAULTS if k != FIRST_FAULT]
        self.rng.shuffle(cycle)
        cycle.append(FIRST_FAULT)
        try:
            while not stop.is_set():
                if not cycle:
                    cycle = list(FAULTS)
                    self.rng.shuffle(cycle)
                kind = cycle.pop()
                async with self.lock or contextlib.nullcontext():
                    await self._window(stop, kind)
                await _sleep_unless(stop, self.rng.uniform(3, 8))
        finally:
            await asyncio.to_thread(self.admin.faults)

    async def _window(self, stop: asyncio.Event, kind: str) -> None:
        await asyncio.to_thread(self.admin.faults, **FAULTS[kind])
        self.tally.fault_windows[kind] += 1
        window = self.rng.uniform(4, 10)
        self.tally.fault_seconds += window
        await _sleep_unless(stop, window)
        await asyncio.to_thread(self.admin.faults)


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
