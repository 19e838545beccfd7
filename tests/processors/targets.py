"""Conformance targets: one processor deployment each, with its test cards and fault switches.

Adding a target (issue 13: Stripe on localstripe, Stripe on the contract double) is one
function here and one name in ``TARGETS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from cli.testcards import card_number
from payments.errors import DeclineCode
from processors.capabilities import Capability
from processors.simulator import KIND as SIMULATOR
from processors.simulator.admin import SimulatorAdmin
from tests.stripe_double.admin import DoubleAdmin


class Faults(Protocol):
    """Ways to make a target misbehave for one block."""

    def outage(self) -> AbstractContextManager[None]:
        """Every call is refused or fails without an effect."""
        ...

    def lost_answers(self, seconds: float) -> AbstractContextManager[None]:
        """Money calls take effect, then the answer is late by ``seconds``."""
        ...


@dataclass(frozen=True)
class Target:
    """One processor to run the suite against."""

    name: str
    kind: str
    """The adapter kind (``ProcessorEndpoint.kind``)."""
    url: str
    faults: Faults
    approve: str
    """A card number every call approves."""
    declines: dict[DeclineCode, str]
    """Card numbers the processor declines at authorization, by reason."""
    incorrect_cvc: str
    """A card number whose CVC check fails at verification."""
    capabilities: frozenset[Capability]
    """What the target really does: the adapter must declare exactly this."""


class SimulatorFaults:
    """The simulator's admin fault switches."""

    def __init__(self, admin: SimulatorAdmin) -> None:
        self._admin = admin

    @contextmanager
    def outage(self) -> Iterator[None]:
        self._admin.faults(outage=True)
        try:
            yield
        finally:
            self._admin.faults()

    @contextmanager
    def lost_answers(self, seconds: float) -> Iterator[None]:
        self._admin.faults(
            effect_then_timeout_rate=1.0, hang_seconds=seconds, operations=["authorize"]
        )
        try:
            yield
        finally:
            self._admin.faults()


def simulator(admin: SimulatorAdmin) -> Target:
    """The session simulator (tests/conftest.py), through the simulator adapter."""
    return Target(
        name="simulator",
        kind=SIMULATOR,
        url=admin.url,
        faults=SimulatorFaults(admin),
        approve=card_number("visa"),
        declines={
            DeclineCode.GENERIC_DECLINE: card_number("decline"),
            DeclineCode.INSUFFICIENT_FUNDS: card_number("insufficient"),
            DeclineCode.STOLEN_CARD: card_number("stolen"),
        },
        incorrect_cvc=card_number("incorrect_cvc"),
        capabilities=frozenset(Capability) - {Capability.THREE_D_SECURE},
    )


STRIPE = "stripe"
"""The Stripe connector's kind (``processors.stripe``'s, once merged)."""
STRIPE_CAPABILITIES = frozenset(
    {
        Capability.PARTIAL_CAPTURE,
        Capability.PARTIAL_REFUND,
        Capability.MULTIPLE_REFUNDS,
        Capability.INQUIRY_BY_KEY,
        Capability.EFFECTS_REPORT,
    }
)
"""What Stripe does for the connector: no balance check, no hold lifetime of ours (Stripe
keeps a manual-capture hold 7 days), no ledger check; 3DS is the SCA issue's."""
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
        # Stripe's 500 before executing: nothing saved, Stripe-Should-Retry true.
        return self._admin.fault("500")

    def lost_answers(self, seconds: float) -> AbstractContextManager[None]:
        # The PaymentIntent is created and its answer saved for the key, then sent late.
        return self._admin.fault("apply_then_timeout", seconds=seconds, routes=AUTHORIZE_ROUTES)


def stripe_double(admin: DoubleAdmin) -> Target:
    """The session Stripe contract double (tests/stripe_double), through the Stripe connector.

    The double takes any ``sk_test_...`` API key.
    """
    return Target(
        name="stripe-double",
        kind=STRIPE,
        url=admin.url,
        faults=StripeDoubleFaults(admin),
        approve="4242424242424242",
        declines=dict(STRIPE_CARDS),
        incorrect_cvc="4000000000000127",
        capabilities=STRIPE_CAPABILITIES,
    )
