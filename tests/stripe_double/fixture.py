"""The session's Stripe contract double (imported by tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.stripe_double.admin import DoubleAdmin
from tests.stripe_double.app import StripeDouble

API_KEY = "sk_test_double"
"""Any ``sk_test_`` key is accepted; idempotency keys are scoped to it."""
KEY_ENV = "PAYMENTS_TEST_STRIPE_DOUBLE_KEY"
"""The variable the connector reads ``API_KEY`` from (``ProcessorEndpoint.api_key_env``)."""


@pytest.fixture(scope="session")
def stripe_double() -> Iterator[DoubleAdmin]:
    """The double on an OS-assigned 127.0.0.1 port for the session; its admin client."""
    os.environ[KEY_ENV] = API_KEY
    try:
        with StripeDouble() as server:
            yield DoubleAdmin(server.url)
    finally:
        os.environ.pop(KEY_ENV, None)
