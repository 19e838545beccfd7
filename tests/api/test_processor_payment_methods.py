"""Paying with a Stripe PaymentMethod (``processor_payment_method``), through the API.

A small stack of its own: the in-process API and a worker whose processors are the session's
simulator and the Stripe contract double (the official SDK creates the PaymentMethod there).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import stripe
from temporalio.client import Client

from activities.clients import worker_http
from api.pinned import PARAM
from api.settings import ApiSettings
from infra.settings import ProcessorEndpoint
from tests.api.conftest import Merchant, app_client, register
from tests.helpers import Simulator
from tests.stripe_double.admin import DoubleAdmin
from tests.stripe_double.fixture import API_KEY, KEY_ENV
from worker import build_worker


@pytest.fixture
async def stripe_api(
    client: Client, api_settings: ApiSettings, simulator: Simulator, stripe_double: DoubleAdmin
) -> AsyncIterator[httpx.AsyncClient]:
    """The API and a worker routing to the simulator first, then Stripe (the double)."""
    settings = api_settings.model_copy(
        update={
            "task_queue": f"api-stripe-{uuid.uuid4().hex[:8]}",
            "processors": [
                ProcessorEndpoint(name="primary", url=simulator.url),
                ProcessorEndpoint(
                    name="stripe", kind="stripe", url=stripe_double.url, api_key_env=KEY_ENV
                ),
            ],
        }
    )
    async with (
        worker_http(settings) as http,
        build_worker(client, settings, http),
        app_client(settings) as api,
    ):
        yield api


def _sdk(double: DoubleAdmin) -> stripe.StripeClient:
    return stripe.StripeClient(API_KEY, base_addresses={"api": double.url})


def _pay(merchant: Merchant, api: httpx.AsyncClient, pm: dict[str, str]) -> Any:
    body = {"amount": 1250, "currency": "USD", "processor_payment_method": pm}
    headers = merchant.headers(f"pinned-{uuid.uuid4().hex}")
    return api.post("/v1/payments", json=body, headers=headers)


async def test_a_stripe_payment_method_pays_on_stripe(
    stripe_api: httpx.AsyncClient, stripe_double: DoubleAdmin, run_dir: Any
) -> None:
    sdk = _sdk(stripe_double)
    card = {"number": "4242424242424242", "exp_month": 11, "exp_year": 2031, "cvc": "314"}
    pm = sdk.v1.payment_methods.create({"type": "card", "card": card})  # type: ignore[arg-type]
    merchant = register(run_dir)
    answer = await _pay(merchant, stripe_api, {"processor": "stripe", "id": pm.id})
    assert answer.status_code == 200, answer.text
    paid = answer.json()
    assert paid["status"] == "succeeded"
    assert paid["card"] == {"brand": "visa", "last4": "4242", "exp_month": 11, "exp_year": 2031}
    assert paid["payment_method"] is None, "the Stripe PaymentMethod is not a vault token"
    intents = [pi.to_dict() for pi in sdk.v1.payment_intents.list({"limit": 100}).data]
    ours = [pi for pi in intents if pi["metadata"].get("payment_id") == paid["id"]]
    assert len(ours) == 1
    assert ours[0]["payment_method"] == pm.id
    assert ours[0]["metadata"]["merchant_id"] == merchant.id
    assert ours[0]["capture_method"] == "manual" and ours[0]["status"] == "succeeded"


@pytest.mark.parametrize(
    ("pm", "code", "param"),
    [
        ({"processor": "stripe", "id": "pm_NoSuchMethod123"}, "resource_missing", "[id]"),
        ({"processor": "nowhere", "id": "pm_1"}, "processor_unknown", "[processor]"),
        ({"processor": "primary", "id": "pm_1"}, f"{PARAM}_unsupported", "[processor]"),
        ({"processor": "stripe", "id": "card_1"}, "parameter_invalid", "[id]"),
    ],
)
async def test_a_bad_processor_payment_method_is_refused(
    stripe_api: httpx.AsyncClient, run_dir: Any, pm: dict[str, str], code: str, param: str
) -> None:
    answer = await _pay(register(run_dir), stripe_api, pm)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["param"]) == (code, f"{PARAM}{param}")


async def test_a_vault_token_is_not_taken_as_a_stripe_payment_method(
    stripe_api: httpx.AsyncClient, run_dir: Any
) -> None:
    vault_like = "pm_" + "ab" * 12  # the vault's shape: looked up at Stripe, not in the vault
    answer = await _pay(register(run_dir), stripe_api, {"processor": "stripe", "id": vault_like})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "resource_missing"
