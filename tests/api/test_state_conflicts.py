"""409 refusals speak the API's status words (``succeeded``), not the workflow's (``captured``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest

from payments.errors import StateConflict
from payments.models import CaptureMethod, CaptureRequest, CardFacts, PaymentRequest, RefundRequest
from payments.money import Currency, Money
from payments.public import public_status
from payments.state import PaymentState
from payments.status import PaymentEvent, PaymentStatus
from tests.api.conftest import Merchant, payment_body


async def test_capturing_a_succeeded_payment_says_succeeded(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    paid = await http.post("/v1/payments", json=payment_body(800), headers=merchant.headers("w-1"))
    assert paid.json()["status"] == "succeeded", paid.text
    again = await http.post(f"/v1/payments/{paid.json()['id']}/capture", json={},
                            headers=merchant.headers("w-1-capture"))  # fmt: skip
    assert again.status_code == 409, again.text
    message = again.json()["error"]["message"]
    assert "status is succeeded" in message
    assert "is captured" not in message


def _state(status: PaymentStatus, capture: CaptureMethod) -> PaymentState:
    card = CardFacts(token="pm_" + "a" * 16, brand="visa", last4="4242", exp_month=1,
                     exp_year=2040)  # fmt: skip
    amount = Money(amount=100, currency=Currency.USD)
    request = PaymentRequest(payment_id="pay_words", merchant_id="m_words", amount=amount,
                             capture_method=capture, card=card)  # fmt: skip
    return PaymentState(request=request, created_at=datetime.now(UTC), status=status,
                        amount_authorized=100, amount_captured=100)  # fmt: skip


def _refusals(s: PaymentState) -> list[str]:
    checks = [
        lambda: s.check_capture(CaptureRequest()),
        lambda: s.require(PaymentEvent.CANCELED),
        lambda: s.check_refund(RefundRequest(refund_id="re_words")),
    ]
    messages = []
    for check in checks:
        try:
            check()
        except StateConflict as exc:
            messages.append(exc.message)
    return messages


@pytest.mark.parametrize("capture", list(CaptureMethod))
@pytest.mark.parametrize("status", list(PaymentStatus))
def test_every_refusal_names_the_public_status(
    status: PaymentStatus, capture: CaptureMethod
) -> None:
    public = public_status(status, capture)
    messages = _refusals(_state(status, capture))
    assert messages, "every status refuses at least one of capture, cancel and refund"
    for message in messages:
        assert re.findall(r"status is (\w+)", message) == [public.value], message


def test_busy_refusal_names_the_operation() -> None:
    s = _state(PaymentStatus.AUTHORIZED, CaptureMethod.MANUAL)
    s.busy_with = PaymentEvent.CAPTURED
    with pytest.raises(StateConflict, match="a capture is in progress"):
        s.require(PaymentEvent.CANCELED)
