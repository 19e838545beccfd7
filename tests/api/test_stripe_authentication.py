"""3-D Secure on the Stripe connector, end to end: the API, a worker, localstripe.

Stripe is the only processor. localstripe runs as the stack runs it (``--stripe-compat``),
which includes the test stand-in for Stripe's hosted 3-D Secure page
(``stack/localstripe_3ds.py``). The customer's browser is played here: the page's form, then
the redirect back to the API's ``challenge_return``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from temporalio.client import Client

from activities.clients import worker_http
from api.settings import ApiSettings
from infra.settings import ProcessorEndpoint
from tests.api.conftest import Merchant, app_client, payment_body, register
from tests.processors.stripe_targets import KEY_ENV, local_stripe
from worker import build_worker

SHOP = "http://shop.example/thanks?order=7"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def stripe_api(
    client: Client, api_settings: ApiSettings, run_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The API and a worker whose only processor is Stripe (localstripe)."""
    folder = run_dir / f"localstripe-3ds-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    with local_stripe(folder, "--stripe-compat") as fake:
        endpoint = ProcessorEndpoint(name="stripe", kind="stripe", url=fake.url,
                                     api_key_env=KEY_ENV)  # fmt: skip
        settings = api_settings.model_copy(
            update={"task_queue": f"api-3ds-{uuid.uuid4().hex[:8]}", "processors": [endpoint]}
        )
        async with (
            worker_http(settings) as http,
            build_worker(client, settings, http),
            app_client(settings) as api,
        ):
            yield api


async def _pay_and_answer(
    api: httpx.AsyncClient, merchant: Merchant, result: str
) -> dict[str, Any]:
    key = str(uuid.uuid4())
    body = payment_body(2500, "challenge", return_url=SHOP)
    paid = (await api.post("/v1/payments", json=body, headers=merchant.headers(key))).json()
    assert paid.get("status") == "requires_action", paid
    redirect = paid["next_action"]["redirect_to_url"]
    assert redirect["return_url"] == SHOP
    async with httpx.AsyncClient(timeout=60) as browser:
        page = await browser.get(redirect["url"])
        assert page.status_code == 200 and "Test stand-in" in page.text
        answered = await browser.post(redirect["url"], content=f"result={result}", headers=FORM)
        assert answered.status_code == 303
    back = urlsplit(answered.headers["location"])
    assert back.path == f"/v1/payments/{paid['id']}/challenge_return"
    onward = await api.get(f"{back.path}?{back.query}")  # the browser, back at our API
    assert onward.status_code == 303 and onward.headers["location"].startswith(SHOP)
    final = await api.get(f"/v1/payments/{paid['id']}", headers=merchant.headers())
    return dict(final.json())


async def test_an_approved_stripe_challenge_succeeds(
    stripe_api: httpx.AsyncClient, run_dir: Path
) -> None:
    final = await _pay_and_answer(stripe_api, register(run_dir), "approve")
    assert (final["status"], final["amount_captured"], final["next_action"]) == (
        "succeeded", 2500, None,
    )  # fmt: skip


async def test_a_denied_stripe_challenge_fails_and_captures_nothing(
    stripe_api: httpx.AsyncClient, run_dir: Path
) -> None:
    final = await _pay_and_answer(stripe_api, register(run_dir), "deny")
    assert (final["status"], final["failure"]["code"], final["amount_captured"]) == (
        "failed", "authentication_failed", 0,
    )  # fmt: skip
