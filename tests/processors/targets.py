"""Conformance targets: one processor deployment each, with its test cards and fault switches.

Adding a target (issue 13: Stripe on localstripe, Stripe on the contract double) is one
function here and one name in ``TARGETS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from cli.testcards import card_number
from infra.settings import ProcessorEndpoint
from payments.errors import DeclineCode
from processors.capabilities import Capability
from processors.simulator import KIND as SIMULATOR
from processors.simulator.admin import SimulatorAdmin


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
    api_key_env: str | None = None
    """The variable holding the target's secret key, for adapters that need one."""
    skips: dict[str, str] = field(default_factory=dict)
    """Cases the target cannot run (test name, or ``name[param]``) -> why, and who covers it."""

    def endpoint(self, url: str | None = None) -> ProcessorEndpoint:
        """How a worker would configure this target (at ``url`` if given)."""
        return ProcessorEndpoint(
            name=self.name, kind=self.kind, url=url or self.url, api_key_env=self.api_key_env
        )


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
        capabilities=frozenset(Capability) - {Capability.PROCESSOR_PAYMENT_METHODS},
    )
