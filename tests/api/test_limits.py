"""Rate limits, body limits, Temporal down, a slow processor, and webhooks through the API."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from temporalio.client import Client

from api.settings import ApiSettings
from cli.testcards import card_number
from facade.tokenize import tokenize_card
from payments.cards import RawCard
from stack.ports import free_port
from tests.api.conftest import Merchant, app_client, count_payments, payment_body, register
from tests.helpers import Simulator
from tests.webhook_receiver import Receiver


async def test_over_the_rate_is_429_with_retry_after(
    api_settings: ApiSettings, merchant: Merchant, other_merchant: Merchant
) -> None:
    limited = api_settings.model_copy(update={"api_rate_per_second": 0.5, "api_rate_burst": 2})
    async with app_client(limited) as http:
        answers = [await http.get("/v1/payments/pay_00000000", headers=merchant.headers())
                   for _ in range(3)]  # fmt: skip
        assert [a.status_code for a in answers] == [404, 404, 429]
        assert answers[2].json()["error"]["code"] == "rate_limited"
        assert answers[2].headers["retry-after"] == "2"
        # Per merchant: another merchant still has its burst.
        other = await http.get("/v1/payments/pay_00000000", headers=other_merchant.headers())
        assert other.status_code == 404


async def test_a_streamed_body_over_the_limit_is_413(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b" " * 1024

    resp = await http.post("/v1/payments", content=chunks(), headers=merchant.headers("big"))
    assert (resp.status_code, resp.json()["error"]["code"]) == (413, "request_too_large")


async def test_temporal_unreachable_is_503_and_the_key_stays_usable(
    api_settings: ApiSettings, merchant: Merchant
) -> None:
    dead = api_settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    async with app_client(dead) as http:
        assert (await http.get("/healthz")).status_code == 200
        ready = await http.get("/readyz")
        assert (ready.status_code, ready.json()["error"]["code"]) == (503, "temporal_unavailable")
        for _ in range(2):  # not saved: the retry is attempted again, not replayed
            resp = await http.post(
                "/v1/payments", json=payment_body(), headers=merchant.headers("down")
            )
            assert (resp.status_code, resp.json()["error"]["code"]) == (503, "temporal_unavailable")
            assert "idempotent-replayed" not in resp.headers
        got = await http.get("/v1/payments/pay_000000000000", headers=merchant.headers())
        assert got.status_code == 503
        listed = await http.get("/v1/payments", headers=merchant.headers())
        assert listed.status_code == 503


async def test_slow_processor_answers_processing_then_the_retry_gets_the_result(
    api_settings: ApiSettings,
    api_worker: None,
    client: Client,
    simulator: Simulator,
    merchant: Merchant,
) -> None:
    raw = RawCard(card_number("visa"), 12, 2030, "123")
    token = (await tokenize_card(api_settings, raw, merchant_id=merchant.id)).token
    quick = api_settings.model_copy(update={"confirm_wait_seconds": 0.3})
    body = {"amount": 4200, "currency": "EUR", "payment_method": token}
    simulator.faults(latency_ms=1500, operations=["authorize"])
    try:
        async with app_client(quick) as http:
            first = await http.post("/v1/payments", json=body, headers=merchant.headers("slow"))
            assert (first.status_code, first.json()["status"]) == (202, "processing")
            pid = first.json()["id"]
            for _ in range(100):
                got = await http.get(f"/v1/payments/{pid}", headers=merchant.headers())
                if got.json()["status"] != "processing":
                    break
                await asyncio.sleep(0.1)
            assert got.json()["status"] == "succeeded"
            again = await http.post("/v1/payments", json=body, headers=merchant.headers("slow"))
            assert (again.status_code, again.json()["id"]) == (200, pid)
    finally:
        simulator.faults()
    assert await count_payments(client, merchant.id) == 1


async def test_webhooks_registered_through_the_api_are_signed_and_never_delay_a_payment(
    http: httpx.AsyncClient, run_dir: Path
) -> None:
    merchant = register(run_dir, "hook")
    receiver = Receiver("", fail_first=2)
    reg = await http.post(
        "/v1/webhook_endpoints", json={"url": receiver.url}, headers=merchant.headers("hook")
    )
    assert reg.status_code == 200 and reg.json()["secret"].startswith("whsec_")
    receiver.secret = reg.json()["secret"]
    replay = await http.post(
        "/v1/webhook_endpoints", json={"url": receiver.url}, headers=merchant.headers("hook")
    )
    assert replay.json()["secret"] is None  # secrets are never saved with the answer
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    try:
        ok = await http.post("/v1/payments", json=payment_body(), headers=merchant.headers("p1"))
        assert ok.json()["status"] == "succeeded" and receiver.events == []
        bad = await http.post(
            "/v1/payments", json=payment_body(name="decline"), headers=merchant.headers("p2")
        )
        deadline = time.monotonic() + 30
        while len(receiver.events) < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert receiver.types(ok.json()["id"]) == ["payment.authorized", "payment.succeeded"]
        (failed,) = receiver.of(bad.json()["error"]["payment_id"])
        assert failed["data"]["object"]["failure"]["customer_message"] == "Your card was declined."
        assert failed["data"]["object"]["failure"]["next_step"] == "try_another_card"
    finally:
        receiver.server.shutdown()
