"""An API process killed mid-create: after a restart, the retry with the same key takes the key
over within seconds and attaches to the same payment."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client
from temporalio.service import RPCError

from api.settings import ApiSettings
from api.temporal import derived_id
from stack.checks import http_ok
from stack.commands import child_env
from stack.ports import free_port
from stack.procs import ManagedProcess
from tests.api.conftest import Merchant, env_of, payment_body
from worker import build_worker, worker_http


async def _until_started(client: Client, payment_id: str) -> None:
    for _ in range(200):
        try:
            await client.get_workflow_handle(payment_id).describe()
            return
        except RPCError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"{payment_id} never started")


async def test_a_key_held_by_a_killed_api_is_taken_over_within_seconds(
    api_settings: ApiSettings, client: Client, merchant: Merchant, run_dir: Path
) -> None:
    # A queue no worker polls yet: the create waits (20 s) with its key claimed.
    settings = api_settings.model_copy(
        update={"task_queue": f"crash-{uuid.uuid4().hex[:8]}", "api_port": free_port()}
    )
    url = f"http://127.0.0.1:{settings.api_port}"
    proc = ManagedProcess("api-crash", [sys.executable, "-m", "api"],
                          log_file=run_dir / "logs" / "api-crash.log",
                          env=child_env(env_of(settings)))  # fmt: skip
    pid = derived_id("pay", merchant.id, "crash")
    body, headers = payment_body(3100), merchant.headers("crash")
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        with proc:
            await proc.wait_ready_async(lambda: http_ok(f"{url}/readyz"), timeout=30)
            pending = asyncio.create_task(http.post("/v1/payments", json=body, headers=headers))
            await _until_started(client, pid)  # the create is in flight, holding the key
            proc.kill()
            with pytest.raises(httpx.TransportError):
                await pending
        async with worker_http(settings) as w, build_worker(client, settings, w):
            with proc:
                await proc.wait_ready_async(lambda: http_ok(f"{url}/readyz"), timeout=30)
                started = time.monotonic()
                again = await http.post("/v1/payments", json=body, headers=headers)
                took = time.monotonic() - started
    assert again.status_code == 200, again.text
    assert (again.json()["id"], again.json()["status"]) == (pid, "succeeded")
    assert took < 10
