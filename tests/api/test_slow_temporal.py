"""Temporal slower than the API's waits: the answer is 503 ``outcome_unknown`` (key released)
or 202, never a 500 or a stored 404, and the retry with the same key ends with the same payment.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from temporalio.client import Client

from api.settings import ApiSettings
from api.temporal import derived_id
from tests.api.conftest import Merchant, app_client, count_payments, payment_body
from worker import build_worker, worker_http


def _own_queue(settings: ApiSettings, **waits: float) -> ApiSettings:
    return settings.model_copy(update={"task_queue": f"slow-{uuid.uuid4().hex[:8]}", **waits})


def _unknown(answer: httpx.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "outcome_unknown"
    assert answer.headers["retry-after"] == "1"


async def test_an_update_that_outlasts_its_wait_is_503_and_the_retry_attaches_to_it(
    api_settings: ApiSettings, client: Client, merchant: Merchant
) -> None:
    # The worker stops after the authorization, so no update can finish within the wait.
    s = _own_queue(api_settings, operation_wait_seconds=0.5)
    body = payment_body(900, capture_method="manual")
    async with app_client(s) as http:
        async with worker_http(s) as w, build_worker(client, s, w):
            made = await http.post("/v1/payments", json=body, headers=merchant.headers("p"))
            assert made.json()["status"] == "requires_capture", made.text
        path = f"/v1/payments/{made.json()['id']}/capture"
        first = await http.post(path, json={}, headers=merchant.headers("cap"))
        _unknown(first)
        async with worker_http(s) as w, build_worker(client, s, w):
            again = await http.post(path, json={}, headers=merchant.headers("cap"))
    assert again.status_code == 200, again.text
    assert "idempotent-replayed" not in again.headers  # the 503 was not stored
    assert (again.json()["status"], again.json()["amount_captured"]) == ("succeeded", 900)


class HeldStart:
    """Update-with-Start RPCs held until ``release()``: an RPC the API gave up on still lands
    at the server later, as a slow one in flight does."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.sent: list[asyncio.Task[Any]] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = Client.execute_update_with_start_workflow

        async def held(client: Client, *args: Any, **kwargs: Any) -> Any:
            async def late() -> Any:
                await self.gate.wait()
                return await real(client, *args, **kwargs)

            self.sent.append(asyncio.ensure_future(late()))
            return await asyncio.shield(self.sent[-1])

        monkeypatch.setattr(Client, "execute_update_with_start_workflow", held)

    async def release(self) -> None:
        """Let the held starts through and wait until each has its answer."""
        self.gate.set()
        await asyncio.gather(*self.sent)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldStart]:
    holder = HeldStart()
    holder.install(monkeypatch)
    yield holder
    holder.gate.set()


async def test_a_start_slower_than_the_confirm_wait_is_never_a_stored_404(
    api_settings: ApiSettings, client: Client, merchant: Merchant, held: HeldStart
) -> None:
    s = _own_queue(api_settings, confirm_wait_seconds=0.01)
    body = payment_body(1300)
    pid = derived_id("pay", merchant.id, "slow")
    async with worker_http(s) as w, build_worker(client, s, w):
        async with app_client(s) as http:
            first = await http.post("/v1/payments", json=body, headers=merchant.headers("slow"))
            _unknown(first)  # the start had not reached Temporal: not a 404
            await held.release()  # it lands late, and makes the payment
            desc = await client.get_workflow_handle(pid).describe()
            assert desc.id == pid
        async with app_client(s.model_copy(update={"confirm_wait_seconds": 20})) as http:
            again = await http.post("/v1/payments", json=body, headers=merchant.headers("slow"))
    assert again.status_code == 200, again.text
    assert "idempotent-replayed" not in again.headers
    assert (again.json()["id"], again.json()["status"]) == (pid, "succeeded")
    assert await count_payments(client, merchant.id) == 1
