"""Failed payments answer with the customer's words: declines as 402, outages as 503."""

from __future__ import annotations

import asyncio

import httpx

from payments.errors import NextStep
from tests.api.conftest import Merchant, payment_body
from tests.helpers import Simulator

LANGUAGES = {"en": "en-US,en;q=0.9", "zh": "zh-CN,zh;q=0.9"}


async def test_a_processor_outage_is_not_a_card_decline(
    http: httpx.AsyncClient, merchant: Merchant, simulator: Simulator
) -> None:
    # The card verifies (tokenization works), then every balance check and authorization fails.
    simulator.faults(outage=True, operations=["balance", "authorize"])
    try:
        answers = await asyncio.gather(*(
            http.post("/v1/payments", json=payment_body(1200),
                      headers=merchant.headers(f"outage-{lang}", **{"Accept-Language": accept}))
            for lang, accept in LANGUAGES.items()
        ))  # fmt: skip
    finally:
        simulator.faults()
    for lang, resp in zip(LANGUAGES, answers, strict=True):
        assert resp.status_code == 503, resp.text
        assert int(resp.headers["Retry-After"]) > 0
        error = resp.json()["error"]
        assert (error["type"], error["code"]) == ("api_error", "processor_unavailable")
        assert error["decline_code"] is None
        assert error["next_step"] == NextStep.RETRY_LATER.value
        later = {"en": "try again later", "zh": "稍后重试"}[lang]
        assert later in error["customer_message"]
        assert "another card" not in error["customer_message"]
        got = await http.get(f"/v1/payments/{error['payment_id']}", headers=merchant.headers())
        failure = got.json()["failure"]
        assert (got.json()["status"], failure["code"]) == ("failed", "processor_unavailable")
        assert (failure["decline_code"], failure["next_step"]) == (None, "retry_later")
