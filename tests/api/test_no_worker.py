"""No worker polls the API's task queue: a create answers 202 with the payment in bounded time,
and a retry with the same key gets the final answer once a worker runs."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from temporalio.client import Client

from api.settings import ApiSettings
from api.temporal import derived_id
from tests.api.conftest import Merchant, app_client, payment_body
from worker import build_worker, worker_http

WAIT = 1.0
# The README's bound: PAYMENTS_CONFIRM_WAIT_SECONDS plus 2 s (plus slack for a busy machine).
BOUND = WAIT + 2 + 2


def _no_worker(settings: ApiSettings) -> ApiSettings:
    queue = f"idle-{uuid.uuid4().hex[:8]}"
    return settings.model_copy(update={"task_queue": queue, "confirm_wait_seconds": WAIT})


async def _post(http: httpx.AsyncClient, m: Merchant, key: str, body: Any) -> httpx.Response:
    return await http.post("/v1/payments", json=body, headers=m.headers(key))


async def test_with_no_worker_a_create_answers_202_then_the_retry_gets_the_final_answer(
    api_settings: ApiSettings, client: Client, merchant: Merchant
) -> None:
    idle = _no_worker(api_settings)
    async with app_client(idle) as http:
        started = time.monotonic()
        first = await _post(http, merchant, "k-ok", payment_body(2500))
        took = time.monotonic() - started
        assert first.status_code == 202, first.text
        assert took < BOUND
        p = first.json()
        assert p["id"] == derived_id("pay", merchant.id, "k-ok")
        assert (p["status"], p["amount"], p["currency"]) == ("processing", 2500, "USD")
        assert (p["card"]["brand"], p["card"]["last4"]) == ("visa", "4242")
        declined = await _post(http, merchant, "k-no", payment_body(name="decline"))
        assert declined.status_code == 202
        async with worker_http(idle) as w, build_worker(client, idle, w):
            again = await _post(http, merchant, "k-ok", payment_body(2500))
            assert (again.status_code, again.json()["id"]) == (200, p["id"])
            assert again.json()["status"] == "succeeded"
            assert again.json()["created_at"] == p["created_at"]
            no = await _post(http, merchant, "k-no", payment_body(name="decline"))
            assert no.status_code == 402
            assert no.json()["error"]["payment_id"] == declined.json()["id"]
