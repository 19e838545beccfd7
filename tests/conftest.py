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
from stack.ports import free_port
from stack.procs import ManagedProcess
from tests.helpers import Simulator, simulator_healthy, simulator_process
from tests.stripe_double.fixture import stripe_double  # noqa: F401 - a session fixture
from worker import build_worker, worker_http

# make test spreads the suite over pytest-xdist workers (-n 4 --dist loadscope), each with its
# own session fixtures. Here a scope is a folder whose tests share session fixtures of their own
# (the API process; the workflow tier's server, whose last test reads what the others saw), else
# a file (its module fixtures start once), except that each chaos run, a minute of mostly waiting
# on kills and settling, is a scope of its own. The longest scopes go out first.
OWN_SCOPE_FOLDERS = ("api", "simulator", "stack", "stores", "workflows")
ONE_SCOPE_PER_TEST = "tests/test_chaos_small.py"
# Long scopes that mostly wait (on kills, timers, a browser) go out first, so that the
# CPU-bound ones (many short subprocesses) run beside them rather than with each other.
FIRST = (
    ONE_SCOPE_PER_TEST,
    "tests/test_browser.py",
    "tests/test_demo.py",
    "tests/api/",
    "tests/test_two_hosts.py",  # about a minute: four processes, a SIGKILL and its takeover
)


def xdist_scope(nodeid: str) -> str:
    """The scope of a test: all tests of one scope run on one worker, in collection order."""
    path = nodeid.partition("::")[0]
    parts = path.split("/")
    if len(parts) > 2 and parts[1] in OWN_SCOPE_FOLDERS:
        return "/".join(parts[:2])
    return nodeid if path == ONE_SCOPE_PER_TEST else path


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent from a plain pytest
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadscope`` with the scopes above, handed out in collection order."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scopes(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    config.option.loadscopereorder = False  # keep the longest-first order below
    return Scopes(config, log)  # type: ignore[arg-type]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest tests first (a stable sort keeps every file's own order)."""

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.partition("::")[0]
        return next((i for i, first in enumerate(FIRST) if path.startswith(first)), len(FIRST))

    items.sort(key=rank)


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
