"""Real components for the workflow tests: a Temporal dev server, a simulator process, a worker.

The dev server and simulator are shared by the session; each test gets its own task queue and an
in-process worker, as in temporalio/samples-python.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.client import Client

from infra.keyring import ensure_keyring
from infra.settings import Settings
from infra.temporal_client import connect
from stack.checks import temporal_healthy
from stack.commands import dev_server_command
from stack.procs import ManagedProcess, free_port
from tests.helpers import Simulator, simulator_healthy, simulator_process
from tests.stripe_double.fixture import stripe_double  # noqa: F401 - a session fixture
from worker import build_worker, worker_http


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder with fresh payload and vault keyrings."""
    path = tmp_path_factory.mktemp("run")
    ensure_keyring(path / "codec-keys.json")
    ensure_keyring(path / "vault-key.json")
    return path


@pytest.fixture(scope="session")
def temporal_address(run_dir: Path) -> Iterator[str]:
    """A dev server with SQLite persistence on free ports."""
    port = free_port()
    proc = ManagedProcess(
        "temporal",
        dev_server_command(port=port, ui_port=free_port(), db_file=run_dir / "temporal.db"),
        log_file=run_dir / "logs" / "temporal.log",
    )
    address = f"127.0.0.1:{port}"
    with proc:
        proc.wait_ready(lambda: temporal_healthy(address), timeout=60)
        yield address


def _simulator(run_dir: Path, name: str) -> Iterator[Simulator]:
    """A simulator process named ``name`` with its own SQLite ledger in the run folder."""
    proc, admin = simulator_process(run_dir, name)
    with proc:
        proc.wait_ready(lambda: simulator_healthy(admin), timeout=30)
        yield admin


@pytest.fixture(scope="session")
def simulator(run_dir: Path) -> Iterator[Simulator]:
    """The primary simulator."""
    yield from _simulator(run_dir, "simulator")


@pytest.fixture(scope="session")
def secondary(run_dir: Path) -> Iterator[Simulator]:
    """A second simulator with its own ledger, for failover."""
    yield from _simulator(run_dir, "secondary")


@pytest.fixture
def settings(run_dir: Path, temporal_address: str, simulator: Simulator) -> Settings:
    """Settings for one test, with its own task queue."""
    return Settings(
        temporal_address=temporal_address,
        processor_url=simulator.url,
        run_dir=run_dir,
        task_queue=f"payments-{uuid.uuid4().hex[:8]}",
        processor_timeout_seconds=2.0,
    )


@pytest.fixture(scope="session")
async def client(run_dir: Path, temporal_address: str) -> Client:
    """A client with the project's encrypting data converter."""
    return await connect(Settings(temporal_address=temporal_address, run_dir=run_dir))


@pytest.fixture
async def worker(client: Client, settings: Settings) -> AsyncIterator[None]:
    """The real worker (real activities, real HTTP to the simulator) on the test's task queue."""
    async with worker_http(settings) as http, build_worker(client, settings, http):
        yield
