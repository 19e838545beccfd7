"""Failed payments answer with the customer's words: declines as 402, outages as 503."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from api.settings import ApiSettings
from payments.errors import DECLINES, DeclineCode, NextStep
from tests.api.conftest import Merchant, app_client, payment_body
from tests.helpers import Simulator
from worker import build_worker, worker_http

CARDS_PAGE = Path(__file__).parents[2] / "docs" / "payments.md"
LANGUAGES = {"en": "en-US,en;q=0.9", "zh": "zh-CN,zh;q=0.9"}


def _declining_cards() -> list[str]:
    """Every test card docs/payments.md says is declined or refused, and a prepaid one."""
    rows = re.findall(
        r"^\| [0-9 ]+ \| `(\w+)` \| (?:declined|refused)", CARDS_PAGE.read_text(), re.M
    )
    return [*rows, "prepaid5"]


def test_the_docs_list_the_declining_cards() -> None:
    assert {"decline", "insufficient", "incorrect_cvc", "stolen", "lost"} <= set(_declining_cards())


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("card", _declining_cards())
async def test_every_decline_carries_customer_words_in_the_asked_language(
    http: httpx.AsyncClient, merchant: Merchant, card: str, lang: str
) -> None:
    headers = merchant.headers(f"decline-{card}-{lang}", **{"Accept-Language": LANGUAGES[lang]})
    # 10.00: above prepaid5's balance of 5.00.
    resp = await http.post("/v1/payments", json=payment_body(1000, name=card), headers=headers)
    assert resp.status_code == 402, resp.text
    error = resp.json()["error"]
    assert (error["type"], error["code"]) == ("card_error", "card_declined")
    expected = DECLINES[DeclineCode(error["decline_code"])]
    assert error["customer_message"] == expected.customer_message(lang)
    assert error["next_step"] == expected.next_step.value
    assert error["customer_message"] and error["next_step"]
    assert (lang == "zh") == bool(re.search(r"[\u4e00-\u9fff]", error["customer_message"]))


async def test_a_processor_outage_is_not_a_card_decline(
    api_settings: ApiSettings, client: Client, merchant: Merchant, simulator: Simulator
) -> None:
    # A worker of its own: the outage opens its breaker, not the session worker's.
    own = api_settings.model_copy(update={"task_queue": f"outage-{uuid.uuid4().hex[:8]}"})
    # The card verifies (tokenization works), then every balance check and authorization fails.
    simulator.faults(outage=True, operations=["balance", "authorize"])
    try:
        async with (
            worker_http(own) as hooks,
            build_worker(client, own, hooks),
            app_client(own) as http,
        ):
            answers = await asyncio.gather(*(
                http.post("/v1/payments", json=payment_body(1200),
                          headers=merchant.headers(f"outage-{lang}", **{"Accept-Language": accept}))
                for lang, accept in LANGUAGES.items()
            ))  # fmt: skip
            for lang, resp in zip(LANGUAGES, answers, strict=True):
                await _check_outage_answer(http, merchant, lang, resp)
    finally:
        simulator.faults()


async def _check_outage_answer(
    http: httpx.AsyncClient, merchant: Merchant, lang: str, resp: httpx.Response
) -> None:
    assert resp.status_code == 503, resp.text
    assert int(resp.headers["Retry-After"]) > 0
    error = resp.json()["error"]
    assert (error["type"], error["code"]) == ("api_error", "processor_unavailable")
    assert error["decline_code"] is None
    assert error["next_step"] == NextStep.RETRY_LATER.value
    assert {"en": "try again later", "zh": "稍后重试"}[lang] in error["customer_message"]
    assert "another card" not in error["customer_message"]
    got = await http.get(f"/v1/payments/{error['payment_id']}", headers=merchant.headers())
    failure = got.json()["failure"]
    assert (got.json()["status"], failure["code"]) == ("failed", "processor_unavailable")
    assert (failure["decline_code"], failure["next_step"]) == (None, "retry_later")
