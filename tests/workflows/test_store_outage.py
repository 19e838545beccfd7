"""The card vault's database down: the workflow waits it out, never blames the processor."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from payments.errors import ErrorType
from payments.status import PaymentStatus
from tests.factories import payment_request
from tests.workflows.fakes import Script
from tests.workflows.harness import Tier

TWO = ["primary", "secondary"]


def store_down() -> ApplicationError:
    """What the balance and authorize activities raise while the vault cannot be read."""
    return ApplicationError("database unavailable (PoolTimeout)", type=ErrorType.STORE_UNAVAILABLE)


async def test_a_vault_outage_delays_the_payment_but_fails_nothing_over(tier: Tier) -> None:
    req = payment_request()
    script = Script(processors=TWO)
    script.fail("check_balance", "primary", *[store_down() for _ in range(6)])
    script.fail("authorize", "primary", *[store_down() for _ in range(5)])
    view = await tier.run(req, script)
    assert view.status is PaymentStatus.CAPTURED
    assert tier.fake.processors_called(req.payment_id) == {"primary"}
    # No attempt is charged to the processor while our own database was down.
    assert [a.outcome for a in view.attempts] == ["ok", "approved"]
    assert tier.fake.effects(req.payment_id) == ["authorize", "capture"]


async def test_an_outage_longer_than_the_patience_fails_as_unavailable(tier: Tier) -> None:
    req = payment_request()
    script = Script().fail("authorize", "primary", *[store_down() for _ in range(500)])
    view = await tier.run(req, script)
    assert view.status is PaymentStatus.FAILED
    assert view.failure is not None and view.failure.code == "processor_unavailable"
    assert tier.fake.effects(req.payment_id) == []
    # Never sent, so never asked about: no inquiry, just the attempts, each after waiting.
    steps = [c.step for c in tier.fake.calls[req.payment_id]]
    assert "inquire" not in steps and steps.count("authorize") > 3
