"""A throwaway stack (bench, chaos): dev server, simulator and workers on free ports."""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from infra.keyring import ensure_keyring
from infra.settings import Settings
from stack.checks import http_ok, log_contains, temporal_healthy
from stack.commands import (
    REPO_ROOT,
    child_env,
    dev_server_command,
    simulator_command,
    worker_command,
)
from stack.commands import worker_settings as stack_worker_settings
from stack.cputime import group_cpu_seconds, postgres_cpu_seconds
from stack.ports import free_port
from stack.postgres import PostgresCluster
from stack.procs import ManagedProcess

WORKER_READY = "worker ready"
LOCALSTRIPE = ("stack.localstripe", "--stripe-compat")
"""localstripe on 127.0.0.1, state in memory (never its own CLI: it binds every interface and
pickles to the system temporary folder). Prints ``port=<n>`` once listening."""
LOCALSTRIPE_KEY = "sk_test_localstripe"  # localstripe takes any key; not a secret
_PORT_LINE = re.compile(rb"^port=(\d+)$", re.MULTILINE)


@dataclass(frozen=True)
class StackSpec:
    """What differs between configurations: server pragmas, worker count and worker env."""

    pragmas: tuple[str, ...]
    workers: int = 1
    worker_env: Mapping[str, str] = field(default_factory=dict)
    worker_argv: tuple[str, ...] = ()
    """Empty: the product's ``worker.py``; the bench runs its own ``python -m bench.worker``."""
    processor: str = "simulator"
    """``simulator``, or ``stripe``: localstripe behind the Stripe connector, the only one."""
    database: str = "sqlite"
    """``sqlite`` (files in the run folder), or ``postgres``: the stores in a cluster of its own."""
    server_args: tuple[str, ...] = ()
    """More ``temporal server start-dev`` flags (the fairness bench's dynamic config)."""


class ThrowawayStack:
    """Start everything on free ports in a temporary run folder; stop and delete on exit."""

    def __init__(self, spec: StackSpec, task_queue: str = "bench-payments") -> None:
        self.spec = spec
        self.run_dir = Path(tempfile.mkdtemp(prefix="tp-bench-"))
        self.task_queue = task_queue
        self.temporal_address = f"127.0.0.1:{free_port()}"
        self.simulator_url = f"http://127.0.0.1:{free_port()}"
        self.procs: dict[str, list[ManagedProcess]] = {}
        self.stripe_key_file = self.run_dir / "stripe-test-key"
        self.postgres = PostgresCluster(self.run_dir / "postgres")

    def stripe_entry(self, name: str, url: str, priority: int = 0) -> dict[str, object]:
        """A ``PAYMENTS_PROCESSORS`` entry for localstripe behind the Stripe connector."""
        return {"name": name, "kind": "stripe", "url": url, "priority": priority,
                "api_key_file": str(self.stripe_key_file)}  # fmt: skip

    def settings_env(self) -> dict[str, str]:
        """``PAYMENTS_*`` variables for workers and the bench client."""
        env = stack_worker_settings(
            temporal_port=int(self.temporal_address.rpartition(":")[2]),
            simulator_port=int(self.simulator_url.rpartition(":")[2]),
            run_dir=self.run_dir,
        )
        env["PAYMENTS_TASK_QUEUE"] = self.task_queue
        if self.spec.processor == "stripe":
            entry = self.stripe_entry("stripe", self.simulator_url)
            env["PAYMENTS_PROCESSORS"] = json.dumps([entry])
        if self.spec.database == "postgres":
            env["PAYMENTS_DATABASE_URL"] = self.postgres.url()
        return env

    def settings(self) -> Settings:
        """Settings for a client of this stack: the workers' own (``settings_env``)."""
        env: dict[str, Any] = {
            k.removeprefix("PAYMENTS_").lower(): v for k, v in self.settings_env().items()
        }
        if "processors" in env:
            env["processors"] = json.loads(env["processors"])
        return Settings(**env)

    def _proc(
        self, role: str, name: str, argv: Sequence[str], env: dict[str, str]
    ) -> ManagedProcess:
        proc = ManagedProcess(
            name, argv, log_file=self.run_dir / "logs" / f"{name}.log", env=env, cwd=REPO_ROOT
        )
        self.procs.setdefault(role, []).append(proc.start())
        return proc

    def start_localstripe(
        self,
        role: str,
        name: str,
        env: Mapping[str, str] | None = None,
        module: tuple[str, ...] = LOCALSTRIPE,
    ) -> str:
        """Start localstripe (``python -m *module``) and return its URL once it listens."""
        self.stripe_key_file.write_text(LOCALSTRIPE_KEY)
        proc = self._proc(role, name, [sys.executable, "-m", *module], child_env(env))
        port: list[int] = []

        def listening() -> bool:
            with proc.log_file.open("rb") as log:
                log.seek(proc.log_offset)
                found = _PORT_LINE.search(log.read())
            port.extend([int(found.group(1))] if found else [])
            return bool(found)

        proc.wait_ready(listening, timeout=30)
        return f"http://127.0.0.1:{port[0]}"

    def _start_processor(self) -> None:
        if self.spec.processor == "stripe":
            self.simulator_url = self.start_localstripe("simulator", "localstripe")
            return
        sim_port = int(self.simulator_url.rpartition(":")[2])
        sim = self._proc("simulator", "simulator", simulator_command(
            port=sim_port, db_file=self.run_dir / "simulator.db"), child_env())  # fmt: skip
        sim.wait_ready(lambda: http_ok(f"{self.simulator_url}/healthz"), timeout=30)

    def start(self) -> ThrowawayStack:
        """Start the dev server, the processor and the workers and wait until all are ready."""
        ensure_keyring(self.run_dir / "codec-keys.json")
        ensure_keyring(self.run_dir / "vault-key.json")
        if self.spec.database == "postgres":
            self.postgres.start(install=True)
        port = int(self.temporal_address.rpartition(":")[2])
        server = self._proc("server", "temporal", dev_server_command(
            port=port, ui_port=free_port(), db_file=self.run_dir / "temporal.db",
            pragmas=self.spec.pragmas, extra_args=self.spec.server_args), child_env())  # fmt: skip
        self._start_processor()
        server.wait_ready(lambda: temporal_healthy(self.temporal_address), timeout=60)
        env = child_env({**self.settings_env(), **self.spec.worker_env})
        argv = list(self.spec.worker_argv) or worker_command()
        # One at a time: two first starts racing to switch the new vault file to WAL fail
        # with "database is locked" (seen 2 in 6 chaos runs).
        for i in range(self.spec.workers):
            w = self._proc("worker", f"worker-{i + 1}", argv, env)
            w.wait_ready(lambda w=w: log_contains(w.log_file, WORKER_READY, w.log_offset), 60)
        return self

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each role's processes (server, simulator, worker, api) and
        by the PostgreSQL cluster (``postgres``), if the stack has one."""
        used = {
            role: sum(group_cpu_seconds(p.pid) for p in procs if p.pid is not None)
            for role, procs in self.procs.items()
        }
        if self.spec.database == "postgres":
            used["postgres"] = postgres_cpu_seconds(self.postgres)
        return used

    def stop(self) -> None:
        """Workers first, so they drain against a live server; then delete the run folder."""
        # Every role, not a fixed list: subclasses add their own (chaos adds "secondary").
        order = sorted(self.procs, key=lambda role: (role == "server", role != "worker"))
        for role in order:
            for proc in self.procs[role]:
                proc.terminate(timeout=15)
        self.postgres.remove()
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> ThrowawayStack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
