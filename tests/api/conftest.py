"""The API as users run it: ``python -m api`` as its own process, against the session's dev
server and simulator, with a worker on its own task queue."""

from __future__ import annotations

import sqlite3
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from api.main import create_app
from api.settings import ApiSettings
from cli.testcards import card_number
from stack.checks import http_ok
from stack.commands import child_env
from stack.ports import free_port
from stack.procs import ManagedProcess
from stores.merchants import new_api_key
from tests.helpers import Simulator
from tests.store_calls import blocking, run_directory
from worker import build_worker, worker_http


@dataclass(frozen=True)
class Merchant:
    """A merchant registered for one test."""

    id: str
    key: str

    def headers(self, idempotency_key: str | None = None, **extra: str) -> dict[str, str]:
        """Authorization (and an Idempotency-Key when given)."""
        headers = {"Authorization": f"Bearer {self.key}", **extra}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return headers


@pytest.fixture(scope="session")
def api_settings(run_dir: Path, temporal_address: str, simulator: Simulator) -> ApiSettings:
    """Settings shared by the API process and the tests' in-process apps."""
    return ApiSettings(
        temporal_address=temporal_address,
        processor_url=simulator.url,
        run_dir=run_dir,
        task_queue=f"api-{uuid.uuid4().hex[:8]}",
        processor_timeout_seconds=2.0,
        refund_window_seconds=3600,
        api_port=free_port(),
        api_rate_per_second=1000,
        api_rate_burst=1000,
        confirm_wait_seconds=20,
        webhook_allow_private_targets=True,  # the tests' webhook receivers are on 127.0.0.1
    )


def env_of(settings: ApiSettings) -> dict[str, str]:
    """``PAYMENTS_*`` variables that rebuild ``settings`` in another process."""
    fields = ("temporal_address", "processor_url", "run_dir", "task_queue", "api_port")
    env = {f"PAYMENTS_{f.upper()}": str(getattr(settings, f)) for f in fields}
    env.update(
        PAYMENTS_PROCESSOR_TIMEOUT_SECONDS="2",
        PAYMENTS_REFUND_WINDOW_SECONDS="3600",
        PAYMENTS_API_RATE_PER_SECOND="1000",
        PAYMENTS_API_RATE_BURST="1000",
        PAYMENTS_CONFIRM_WAIT_SECONDS="20",
        PAYMENTS_WEBHOOK_ALLOW_PRIVATE_TARGETS="true",
    )
    return env


@pytest.fixture(scope="session")
async def api_worker(client: Client, api_settings: ApiSettings) -> AsyncIterator[None]:
    """A worker on the API's task queue, for the whole session."""
    async with worker_http(api_settings) as http, build_worker(client, api_settings, http):
        yield


@pytest.fixture(scope="session")
def api_url(api_settings: ApiSettings, run_dir: Path) -> Iterator[str]:
    """``python -m api`` on a free port."""
    proc = ManagedProcess(
        "api",
        [sys.executable, "-m", "api"],
        log_file=run_dir / "logs" / "api.log",
        env=child_env(env_of(api_settings)),
    )
    url = f"http://127.0.0.1:{api_settings.api_port}"
    with proc:
        proc.wait_ready(lambda: http_ok(f"{url}/readyz"), timeout=30)
        yield url


@pytest.fixture
async def http(api_url: str, api_worker: None) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the running API (and the worker behind it)."""
    async with httpx.AsyncClient(base_url=api_url, timeout=60) as client:
        yield client


def register(run_dir: Path, prefix: str = "m") -> Merchant:
    """A fresh merchant with a fresh key, straight into the shared merchants.db."""
    directory = run_directory(run_dir)
    merchant = Merchant(f"{prefix}_{uuid.uuid4().hex[:10]}", new_api_key())
    blocking(directory.add_merchant(merchant.id, merchant.key))
    return merchant


@pytest.fixture
def merchant(run_dir: Path) -> Merchant:
    """A merchant of its own for one test, so counts of its payments start at zero."""
    return register(run_dir)


@pytest.fixture
def other_merchant(run_dir: Path) -> Merchant:
    """A second merchant, for tenancy tests."""
    return register(run_dir, "other")


def vault_rows(run_dir: Path) -> int:
    """How many cards the vault holds (tokenization adds one)."""
    with sqlite3.connect(run_dir / "vault.db") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0])


@asynccontextmanager
async def app_client(settings: ApiSettings) -> AsyncIterator[httpx.AsyncClient]:
    """An API with its own settings, in process (lifespan included), for limits and outages."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            yield client


def card(name: str = "visa") -> dict[str, object]:
    """A test card as the API takes it."""
    return {"number": card_number(name), "exp_month": 12, "exp_year": 2030, "cvc": "123"}


def payment_body(amount: int = 1000, name: str = "visa", **extra: object) -> dict[str, object]:
    """A create body."""
    return {"amount": amount, "currency": "USD", "card": card(name), **extra}


async def count_payments(client: Client, merchant_id: str) -> int:
    """Workflows of one merchant, from visibility."""
    found = await client.count_workflows(f"PaymentMerchant = '{merchant_id}'")
    return found.count
