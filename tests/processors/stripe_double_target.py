"""The Stripe connector's conformance target on the Stripe contract double (tests/stripe_double).

The double does what localstripe cannot (idempotent replay, declines with ``decline_code``,
refund refusals, CVC checks, lost answers), so this target skips nothing. Register it with
one line in tests/processors/conftest.py ``TARGETS``::

    "stripe-double": ("stripe_double", stripe_double_target.stripe_double),
"""

from __future__ import annotations

import dataclasses
from contextlib import AbstractContextManager
from typing import Any

from payments.errors import DeclineCode
from processors.capabilities import Capability
from tests.processors.targets import Target
from tests.stripe_double.admin import DoubleAdmin
from tests.stripe_double.fixture import KEY_ENV

STRIPE = "stripe"
"""The Stripe connector's kind (``processors.stripe.KIND``)."""
STRIPE_CAPABILITIES = frozenset(
    {
        Capability.PARTIAL_CAPTURE,
        Capability.PARTIAL_REFUND,
        Capability.MULTIPLE_REFUNDS,
        Capability.INQUIRY_BY_KEY,
        Capability.EFFECTS_REPORT,
        Capability.PROCESSOR_PAYMENT_METHODS,
        Capability.THREE_D_SECURE,
    }
)
"""What Stripe does for the connector (``processors.stripe.CAPABILITIES``): no balance check,
no hold lifetime of ours (a manual-capture hold lasts 7 days), no ledger check."""
STRIPE_CARDS = {
    DeclineCode.GENERIC_DECLINE: "4000000000000002",
    DeclineCode.INSUFFICIENT_FUNDS: "4000000000009995",
    DeclineCode.LOST_CARD: "4000000000009987",
    DeclineCode.STOLEN_CARD: "4000000000009979",
    DeclineCode.EXPIRED_CARD: "4000000000000069",
    DeclineCode.PROCESSING_ERROR: "4000000000000119",
}
"""Stripe's documented decline test cards (docs.stripe.com/testing), by our decline code."""
AUTHORIZE_ROUTES = ["payment_intents.create", "payment_intents.confirm"]


class StripeDoubleFaults:
    """The contract double's fault switches (tests/stripe_double/faults.py)."""

    def __init__(self, admin: DoubleAdmin) -> None:
        self._admin = admin

    def outage(self) -> AbstractContextManager[None]:
        # Stripe's 500 before executing, on every route: nothing saved, Stripe-Should-Retry true.
        return self._admin.fault("500")

    def lost_answers(self, seconds: float) -> AbstractContextManager[None]:
        # The PaymentIntent is created and its answer saved for the key, then sent late.
        return self._admin.fault("apply_then_timeout", seconds=seconds, routes=AUTHORIZE_ROUTES)


def stripe_double(admin: DoubleAdmin) -> Target:
    """The session's contract double (fixture ``stripe_double``), through the Stripe connector."""
    key: dict[str, Any] = {}
    if "api_key_env" in {f.name for f in dataclasses.fields(Target)}:
        key["api_key_env"] = KEY_ENV  # the connector's Target field (issue 13, other branch)
    return Target(
        name="stripe-double",
        kind=STRIPE,
        url=admin.url,
        faults=StripeDoubleFaults(admin),
        approve="4242424242424242",
        declines=dict(STRIPE_CARDS),
        incorrect_cvc="4000000000000127",
        capabilities=STRIPE_CAPABILITIES,
        **key,
    )
