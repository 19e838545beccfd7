"""The facade's cheap check before a closed payment's refund workflow starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from facade.refunds import precheck
from payments.errors import AmountRejected, StateConflict
from payments.models import CaptureMethod, CardFacts, PaymentView, Refund, RefundRequest
from payments.refunds import with_refunds
from payments.status import PaymentStatus

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def _view(
    status: PaymentStatus = PaymentStatus.CAPTURED, until: datetime | None = None
) -> PaymentView:
    return PaymentView(
        payment_id="pay_1", merchant_id="m_a", status=status, currency="USD", amount=1000,
        amount_authorized=1000, amount_captured=1000 if status is PaymentStatus.CAPTURED else 0,
        amount_refunded=0, capture_method=CaptureMethod.AUTOMATIC,
        card=CardFacts(token="pm_" + "a" * 16, brand="visa", last4="4242", exp_month=12,
                       exp_year=2030),
        customer_id=None, description=None, metadata={}, processor="mockpay",
        authorization_id="auth_1", failure=None, refunds=[], transitions=[], attempts=[],
        created_at=NOW, refundable_until=until or NOW + timedelta(days=30),
    )  # fmt: skip


def _made(refund_id: str, amount: int) -> Refund:
    return Refund(refund_id=refund_id, processor_refund_id="pr", amount=amount, reason=None, at=NOW)


def test_a_refund_within_what_is_left_goes_ahead() -> None:
    view = with_refunds(_view(), [_made("re_1", 600)])
    assert precheck(view, RefundRequest(refund_id="re_2", amount=400), NOW) is None
    assert precheck(view, RefundRequest(refund_id="re_2"), NOW) is None
    with pytest.raises(AmountRejected, match="refund of 401 exceeds the refundable 400"):
        precheck(view, RefundRequest(refund_id="re_2", amount=401), NOW)


def test_a_known_refund_id_answers_with_the_refund_made() -> None:
    view = with_refunds(_view(), [_made("re_1", 1000)])
    assert precheck(view, RefundRequest(refund_id="re_1", amount=1000), NOW) == _made("re_1", 1000)
    with pytest.raises(StateConflict, match="status is refunded"):
        precheck(view, RefundRequest(refund_id="re_2"), NOW)


def test_the_window_and_the_status_are_checked() -> None:
    with pytest.raises(StateConflict, match="refund window for this payment has closed"):
        precheck(_view(), RefundRequest(refund_id="re_1"), NOW + timedelta(days=31))
    with pytest.raises(StateConflict, match="status is canceled"):
        precheck(_view(PaymentStatus.CANCELED), RefundRequest(refund_id="re_1"), NOW)
