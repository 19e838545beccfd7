"""The bench's throwaway stack plus a secondary simulator, and the kills chaos needs."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Mapping
from pathlib import Path

from stack.checks import http_ok, log_contains, temporal_healthy
from stack.commands import (
    SQLITE_PRAGMAS,
    child_env,
    processors_json,
    simulator_command,
)
from stack.ports import free_port
from stack.procs import ManagedProcess
from stack.throwaway import WORKER_READY, StackSpec, ThrowawayStack

READY_TIMEOUT = 90.0  # a restart competes for two cores with everything else under chaos


def _port(url_or_address: str) -> int:
    return int(url_or_address.rpartition(":")[2])


class ChaosStack(ThrowawayStack):
    """Dev server (SQLite file), a primary simulator, a secondary, K real ``worker.py``s.

    The secondary is a simulator, or with ``secondary="stripe"`` localstripe behind the Stripe
    connector (``stack.localstripe --stripe-compat``: loopback, state in memory).

    Everything is on free ports in a temporary run folder, stopped and deleted on exit
    (``ThrowawayStack.stop``). Restarts reuse each process's command line, so the server comes
    back on the same port and database file.
    """

    def __init__(
        self, *, workers: int, worker_env: Mapping[str, str], secondary: str = "simulator"
    ) -> None:
        """``worker_env`` adds ``PAYMENTS_*`` tuning (timeouts, breakers, unsafe switch)."""
        spec = StackSpec(
            pragmas=SQLITE_PRAGMAS,
            workers=workers,
            worker_env=dict(worker_env),
        )
        super().__init__(spec, task_queue="chaos-payments")
        self.secondary = secondary
        self.secondary_url = f"http://127.0.0.1:{free_port()}"

    def settings_env(self) -> dict[str, str]:
        """Bench settings plus both processors, for workers and the driver alike."""
        env = super().settings_env()
        primary, secondary = _port(self.simulator_url), _port(self.secondary_url)
        env["PAYMENTS_PROCESSORS"] = processors_json(primary, secondary)
        if self.secondary == "stripe":
            entries = json.loads(env["PAYMENTS_PROCESSORS"])
            entries[1] = self.stripe_entry("secondary", self.secondary_url, priority=1)
            env["PAYMENTS_PROCESSORS"] = json.dumps(entries)
        return env

    def start(self) -> ChaosStack:
        """Start the secondary, then everything the bench starts."""
        if self.secondary == "stripe":
            log_requests = {"LOCALSTRIPE_REQUEST_LOG": "1"}  # chaos counts sends and inquiries
            self.secondary_url = self.start_localstripe("secondary", "localstripe", log_requests)
            super().start()
            return self
        db = self.run_dir / "secondary.db"
        argv = simulator_command(port=_port(self.secondary_url), db_file=db)
        secondary = self._proc("secondary", "secondary", argv, child_env())
        super().start()
        secondary.wait_ready(lambda: http_ok(f"{self.secondary_url}/healthz"), timeout=30)
        return self

    def __enter__(self) -> ChaosStack:
        super().__enter__()
        return self

    @property
    def server(self) -> ManagedProcess:
        """The Temporal dev server."""
        return self.procs["server"][0]

    @property
    def workers(self) -> list[ManagedProcess]:
        """The worker processes, alive or not."""
        return self.procs["worker"]

    @property
    def logs(self) -> Path:
        """Where every process appends its output."""
        return self.run_dir / "logs"

    def kill_worker(self, index: int) -> None:
        """SIGKILL one worker (its process group) and reap it."""
        self.workers[index].kill(signal.SIGKILL)

    async def start_worker(self, index: int) -> float:
        """Start a stopped worker; return the seconds until it polls."""
        w = self.workers[index]
        w.start()
        ready = lambda: log_contains(w.log_file, WORKER_READY, w.log_offset)  # noqa: E731
        return await w.wait_ready_async(ready, timeout=READY_TIMEOUT)

    async def restart_server(self, down_seconds: float) -> float:
        """SIGKILL the dev server, leave it down, restart it on the same port and database.

        Returns:
            The seconds from the restart until it served the namespace again.
        """
        self.server.kill(signal.SIGKILL)
        await asyncio.sleep(down_seconds)
        self.server.start()
        healthy = lambda: temporal_healthy(self.temporal_address)  # noqa: E731
        return await self.server.wait_ready_async(healthy, timeout=READY_TIMEOUT)

    def dead_workers(self) -> list[int]:
        """Workers that exited without being killed by us (should stay empty)."""
        return [i for i, w in enumerate(self.workers) if not w.alive]
