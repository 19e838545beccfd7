"""Fixtures of the processor conformance suite: one ``target`` per deployment to conform."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from infra.settings import ProcessorEndpoint
from processors.http import processor_session
from processors.protocol import Processor
from processors.registry import Shared, build
from tests.processors import targets
from tests.processors.targets import Target

TIMEOUT = 2.0
"""Short enough that the lost-answer fault reads as a timeout quickly."""

# name -> (session fixture it needs, how to make the target from it). Issue 13 adds
# "stripe-localstripe" and "stripe-double" here.
TARGETS: dict[str, tuple[str, Callable[..., Target]]] = {
    "simulator": ("simulator", targets.simulator),
}


@pytest.fixture(params=sorted(TARGETS))
def target(request: pytest.FixtureRequest) -> Target:
    """Each conformance target in turn."""
    fixture, make = TARGETS[request.param]
    return make(request.getfixturevalue(fixture))


@pytest.fixture
async def shared() -> AsyncIterator[Shared]:
    """A processor session for one test."""
    async with processor_session(TIMEOUT) as http:
        yield Shared(http)


@pytest.fixture
def processor(target: Target, shared: Shared) -> Processor:
    """The target's adapter, built by kind through the registry as the worker builds it."""
    return build(ProcessorEndpoint(name=target.name, kind=target.kind, url=target.url), shared)
