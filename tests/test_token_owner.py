"""Defence in depth: the worker, too, charges a token only for the merchant that owns it."""

from __future__ import annotations

import pytest
from temporalio.client import Client

from facade import operations as ops
from facade.tokenize import tokenize_card
from infra.settings import Settings
from payments.ids import new_payment_id
from payments.models import PaymentOptions, PaymentRequest
from payments.money import Currency, Money
from payments.status import PaymentStatus
from tests.helpers import Simulator, _raw

pytestmark = pytest.mark.usefixtures("worker")


async def test_a_payment_of_another_merchant_cannot_authorize_the_token(
    client: Client, settings: Settings, simulator: Simulator
) -> None:
    # As if a start reached Temporal without the API's check (CLI direct mode, a bug).
    card = await tokenize_card(settings, _raw("visa"), merchant_id="m_owner")
    req = PaymentRequest(
        payment_id=new_payment_id(),
        merchant_id="m_thief",
        amount=Money(amount=1000, currency=Currency.USD),
        card=card,
        options=PaymentOptions(refund_window_seconds=5),
    )
    view = await ops.start_payment(client, req, task_queue=settings.task_queue, wait_seconds=30)
    assert view.status is PaymentStatus.FAILED
    assert view.failure is not None and view.failure.code == "card_not_found"
    assert simulator.effects(req.payment_id) == []
    assert "authorize" not in [a["step"] for a in simulator.attempts(req.payment_id)]
