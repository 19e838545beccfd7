"""Hosts that share only PostgreSQL, the Temporal server, the processor and the keyring files.

Each host is a run folder of its own with its own ``python -m api`` and ``worker.py`` processes,
as two machines behind a load balancer would run them (tests/test_two_hosts.py,
tests/test_postgres_restart.py).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import signal
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from infra.keyring import ensure_keyring, write_private
from stack.checks import http_ok, log_contains
from stack.commands import REPO_ROOT, child_env, worker_command
from stack.ports import free_port
from stack.procs import ManagedProcess

# Short timers, so a killed host's claims and activities are taken over within the test's
# budget: a key held by a dead API is free after the lease, an activity after CALL_TIMEOUT.
TIMERS = {
    "PAYMENTS_REFUND_WINDOW_SECONDS": "60",
    "PAYMENTS_CONFIRM_WAIT_SECONDS": "5",
    "PAYMENTS_OPERATION_WAIT_SECONDS": "25",
    "PAYMENTS_IDEMPOTENCY_LEASE_SECONDS": "2",
    "PAYMENTS_API_RATE_PER_SECOND": "1000",
    "PAYMENTS_API_RATE_BURST": "1000",
    "PAYMENTS_RECONCILE_INTERVAL_SECONDS": "0",
}


@dataclass(frozen=True)
class Shared:
    """What every host shares: the Temporal server, the processor, the database, the keys."""

    temporal_address: str
    processor_url: str
    database_url: str = field(repr=False)  # holds the password
    keys: Path
    task_queue: str

    @classmethod
    def make(
        cls, keys: Path, temporal_address: str, processor_url: str, database_url: str
    ) -> Shared:
        """Create the keyring files in ``keys`` (one copy for all hosts) and a task queue."""
        keys.mkdir(parents=True, exist_ok=True)
        ensure_keyring(keys / "codec-keys.json")
        ensure_keyring(keys / "vault-key.json")
        # Made here, not by the first API: two APIs starting at once would each make their own.
        write_private(keys / "api-secret", secrets.token_hex(32) + "\n")
        queue = f"hosts-{uuid.uuid4().hex[:8]}"
        return cls(temporal_address, processor_url, database_url, keys, queue)

    def env(self, run_dir: Path, api_port: int) -> dict[str, str]:
        """``PAYMENTS_*`` variables of one host's processes."""
        return {
            **TIMERS,
            "PAYMENTS_TEMPORAL_ADDRESS": self.temporal_address,
            "PAYMENTS_PROCESSOR_URL": self.processor_url,
            "PAYMENTS_DATABASE_URL": self.database_url,
            "PAYMENTS_TASK_QUEUE": self.task_queue,
            "PAYMENTS_RUN_DIR": str(run_dir),
            "PAYMENTS_CODEC_KEY_FILE": str(self.keys / "codec-keys.json"),
            "PAYMENTS_VAULT_KEY_FILE": str(self.keys / "vault-key.json"),
            "PAYMENTS_API_SECRET_FILE": str(self.keys / "api-secret"),
            "PAYMENTS_API_PORT": str(api_port),
        }


class Host:
    """One machine: a run folder, an API process and a worker process."""

    def __init__(
        self,
        name: str,
        shared: Shared,
        root: Path,
        api_keys: dict[str, str] | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        """Describe the host; ``api_keys`` (merchant id to key) are registered by its API."""
        self.name = name
        self.run_dir = root / name
        self.run_dir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**shared.env(self.run_dir, port), **(extra_env or {})}
        if api_keys:
            env["PAYMENTS_API_KEYS"] = json.dumps(api_keys)
        self.api = self._process("api", [sys.executable, "-m", "api"], env)
        self.worker = self._process("worker", worker_command(), env)

    def _process(self, role: str, argv: list[str], env: dict[str, str]) -> ManagedProcess:
        log = self.run_dir / "logs" / f"{role}.log"
        return ManagedProcess(
            f"{self.name}-{role}", argv, log_file=log, env=child_env(env), cwd=REPO_ROOT
        )

    async def start(self) -> Host:
        """Start the worker and the API; return once the worker polls and the API is ready."""
        self.worker.start()
        self.api.start()
        worker, api = self.worker, self.api
        await asyncio.gather(
            worker.wait_ready_async(
                lambda: log_contains(worker.log_file, "worker ready", worker.log_offset), 60
            ),
            api.wait_ready_async(lambda: http_ok(f"{self.url}/readyz"), 60),
        )
        return self

    def kill(self) -> None:
        """SIGKILL every process of the host (each process group), as a machine that dies."""
        self.api.kill(signal.SIGKILL)
        self.worker.kill(signal.SIGKILL)

    def stop(self) -> None:
        """Stop both processes (gracefully; a killed host has nothing left to stop)."""
        self.api.terminate(timeout=10)
        self.worker.terminate(timeout=15)

    def store_files(self) -> list[str]:
        """SQLite files in this host's run folder: none when every store is on PostgreSQL."""
        return sorted(path.name for path in self.run_dir.glob("*.db"))
