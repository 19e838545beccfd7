"""SDK clients on the session double, and helpers for its tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from tests.stripe_double.admin import DoubleAdmin
from tests.stripe_double.fixture import API_KEY

SDK_UPLOAD_WARNING = "ignore:Use 'content=<...>' to upload raw bytes:DeprecationWarning"
"""stripe 16's HTTPXClient passes its form body as ``data=``, which httpx deprecates."""


def sdk(url: str, timeout: float = 2.0, retries: int = 0) -> stripe.StripeClient:
    """The official client pointed at ``url`` (sync and async methods)."""
    return stripe.StripeClient(
        API_KEY,
        base_addresses={"api": url},
        http_client=stripe.HTTPXClient(timeout=timeout, allow_sync_methods=True),
        max_network_retries=retries,
    )


@pytest.fixture(autouse=True)
def _no_faults_left(stripe_double: DoubleAdmin) -> Iterator[None]:
    """The session's double is shared: every test leaves it without faults."""
    yield
    stripe_double.clear()


@pytest.fixture
def client(stripe_double: DoubleAdmin) -> stripe.StripeClient:
    """A client without automatic retries."""
    return sdk(stripe_double.url)


def card(number: str = "4242424242424242") -> dict[str, Any]:
    """``payment_method_data`` for ``number``."""
    return {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2099}}


def authorize(amount: int = 1000, number: str = "4242424242424242", **extra: Any) -> dict[str, Any]:
    """PaymentIntent create params as the connector sends them, with a fresh payment id."""
    return {
        "amount": amount,
        "currency": "usd",
        "payment_method_data": card(number),
        "confirm": True,
        "capture_method": "manual",
        "metadata": {"payment_id": f"pay_{uuid.uuid4().hex[:12]}", "merchant_id": "m1"},
        **extra,
    }


def key() -> dict[str, str]:
    """Request options with a fresh idempotency key."""
    return {"idempotency_key": uuid.uuid4().hex}


def intents_for(client: stripe.StripeClient, payment_id: str) -> list[Any]:
    """PaymentIntents whose metadata names ``payment_id`` (the connector's inquiry)."""
    query = f"metadata['payment_id']:'{payment_id}'"
    return list(client.v1.payment_intents.search({"query": query}).data)
