"""Fixtures of the processor conformance suite: one ``target`` per deployment to conform."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from processors.http import processor_session
from processors.protocol import Processor
from processors.registry import Shared, build
from tests.processors import stripe_double_target, stripe_targets, targets
from tests.processors.stripe_targets import LocalStripe, local_stripe
from tests.processors.targets import Target

TIMEOUT = 2.0
"""Short enough that the lost-answer fault reads as a timeout quickly."""

# name -> (session fixture it needs, how to make the target from it). Issue 13 adds
# "stripe-double" here.
TARGETS: dict[str, tuple[str, Callable[..., Target]]] = {
    "simulator": ("simulator", targets.simulator),
    "stripe-localstripe": ("localstripe", stripe_targets.localstripe),
    "stripe-double": ("stripe_double", stripe_double_target.stripe_double),
}


@pytest.fixture(scope="session")
def localstripe(run_dir: Path) -> Iterator[LocalStripe]:
    """localstripe on 127.0.0.1, on a free port, its state in memory (``stack.localstripe``)."""
    with local_stripe(run_dir) as fake:
        yield fake


@pytest.fixture(params=sorted(TARGETS))
def target(request: pytest.FixtureRequest) -> Target:
    """Each conformance target in turn; a case the target cannot run is skipped with its reason."""
    fixture, make = TARGETS[request.param]
    made = make(request.getfixturevalue(fixture))
    name, params = request.node.originalname, getattr(request.node, "callspec", None)
    names = [name] + [f"{name}[{v}]" for v in (params.params.values() if params else [])]
    for key in names:
        if key in made.skips:
            pytest.skip(f"{made.name}: {made.skips[key]}")
    return made


@pytest.fixture
async def shared() -> AsyncIterator[Shared]:
    """A processor session for one test."""
    async with processor_session(TIMEOUT) as http:
        yield Shared(http)


@pytest.fixture
def processor(target: Target, shared: Shared) -> Processor:
    """The target's adapter, built by kind through the registry as the worker builds it."""
    return build(target.endpoint(), shared)
