"""A payment pinned to one processor (its own PaymentMethod) never fails over."""

from __future__ import annotations

import pytest

from payments.activity_io import Inquiry
from payments.models import CardFacts, PaymentRequest
from payments.status import PaymentStatus
from tests.factories import payment_request
from tests.workflows.fakes import Script, circuit_open, lost, unavailable
from tests.workflows.harness import Tier

_S = PaymentStatus
ROUTE = ["primary", "secondary"]
"""The tier's queues; ``secondary`` stands for the Stripe processor a PaymentMethod pins to."""
STRIPE_PM = "pm_1PinnedTestMethod0000001"


def _pinned(processor: str = "secondary") -> PaymentRequest:
    """A payment on ``processor``'s own PaymentMethod: no vault token, pinned there."""
    base = payment_request()
    card = CardFacts(brand="visa", last4="4242", exp_month=12, exp_year=2030)
    return base.model_copy(
        update={"card": card, "pinned_processor": processor, "processor_payment_method": STRIPE_PM}
    )


async def test_a_pinned_payment_goes_only_to_its_processor(tier: Tier) -> None:
    req = _pinned()
    view = await tier.start(req, Script(processors=ROUTE))
    assert (view.status, view.processor) == (_S.CAPTURED, "secondary")
    assert tier.fake.processors_called(req.payment_id) == {"secondary"}, "routing order ignored"
    assert view.card.token is None


@pytest.mark.parametrize("pinned", [True, False])
async def test_an_unreachable_pinned_processor_fails_the_payment(tier: Tier, pinned: bool) -> None:
    script = Script(processors=["secondary", "primary"])
    script.fail("authorize", "secondary", unavailable(), unavailable(), unavailable())
    req = _pinned() if pinned else payment_request()
    view = await tier.run(req, script)
    events = [t.event.value for t in view.transitions]
    if not pinned:  # the control: the same outage, unpinned, fails over
        assert (view.status, view.processor) == (_S.CAPTURED, "primary")
        assert events[0] == "failed_over"
        return
    assert view.status is _S.FAILED
    assert view.failure is not None and view.failure.code == "processor_unavailable"
    assert "pinned processor unavailable" in (view.transitions[-1].detail or "")
    assert events == ["failed"], "no failed_over: the payment never left its processor"
    assert tier.fake.processors_called(req.payment_id) == {"secondary"}


async def test_a_pinned_request_never_received_does_not_fail_over(tier: Tier) -> None:
    script = Script(processors=["secondary", "primary"], inquiry=Inquiry(found=False))
    script.fail("authorize", "secondary", lost(), circuit_open("secondary"))
    req = _pinned()
    view = await tier.run(req, script)
    assert view.status is _S.FAILED
    assert view.failure is not None and view.failure.code == "processor_unavailable"
    assert "primary" not in tier.fake.processors_called(req.payment_id)
    assert [a.step for a in view.attempts][-1] == "inquire", "asked, then stopped: no failover"
