"""``PaymentState`` without Temporal: the checks update validators run, and the booking."""

from __future__ import annotations

from datetime import timedelta

import pytest

from payments.errors import AmountRejected, StateConflict
from payments.models import CaptureMethod, CaptureRequest, Refund, RefundRequest
from payments.public import ApiStatus
from payments.state import PaymentState
from payments.status import IllegalTransition, PaymentEvent, PaymentStatus
from tests.factories import NOW, payment_request

_S, _E = PaymentStatus, PaymentEvent


def _state(*, capture: CaptureMethod = CaptureMethod.MANUAL, amount: int = 1000) -> PaymentState:
    return PaymentState(request=payment_request(amount=amount, capture=capture), created_at=NOW)


def _authorized(amount: int = 1000, **kw: CaptureMethod) -> PaymentState:
    s = _state(amount=amount, **kw)
    s.amount_authorized = amount
    s.processor, s.authorization_id = "primary", "auth_1"
    s.apply(_E.AUTHORIZED, NOW)
    return s


def _captured(amount: int = 1000) -> PaymentState:
    s = _authorized(amount)
    s.amount_captured = amount
    s.apply(_E.CAPTURED, NOW)
    return s


def _refund(refund_id: str, amount: int) -> Refund:
    return Refund(
        refund_id=refund_id, processor_refund_id=f"pr_{refund_id}", amount=amount, reason=None,
        at=NOW,
    )  # fmt: skip


def test_apply_follows_the_table_and_tells_the_story() -> None:
    s = _state()
    assert s.apply(_E.FAILED_OVER, NOW, "to secondary") is _S.PENDING
    assert s.apply(_E.AUTHORIZED, NOW + timedelta(seconds=1)) is _S.AUTHORIZED
    assert [(t.event, t.from_status, t.to_status) for t in s.transitions] == [
        (_E.FAILED_OVER, _S.PENDING, _S.PENDING),
        (_E.AUTHORIZED, _S.PENDING, _S.AUTHORIZED),
    ]
    assert s.transitions[0].detail == "to secondary"
    with pytest.raises(IllegalTransition):
        s.apply(_E.REFUNDED_FULLY, NOW)
    assert s.status is _S.AUTHORIZED and len(s.transitions) == 2, "a refused event changes nothing"


def test_capture_defaults_to_the_whole_authorization_and_never_more() -> None:
    s = _authorized(1000)
    assert s.check_capture(CaptureRequest()) == 1000
    assert s.check_capture(CaptureRequest(amount=600)) == 600
    with pytest.raises(AmountRejected) as refused:
        s.check_capture(CaptureRequest(amount=1001))
    assert refused.value.param == "amount"
    assert "exceeds the authorized 1000" in refused.value.message


def test_capture_needs_an_authorized_idle_payment() -> None:
    with pytest.raises(StateConflict, match="status is processing cannot be captured"):
        _state().check_capture(CaptureRequest())
    busy = _authorized()
    busy.busy_with = _E.CANCELED
    with pytest.raises(StateConflict, match="busy: a cancellation is in progress"):
        busy.check_capture(CaptureRequest())
    busy.busy_with = _E.EXPIRED
    with pytest.raises(StateConflict, match="the authorization's expiry is in progress"):
        busy.require(_E.CANCELED)


def test_refusals_speak_the_public_vocabulary() -> None:
    manual = _authorized(capture=CaptureMethod.MANUAL)
    assert manual.public_status() is ApiStatus.REQUIRES_CAPTURE
    automatic = _authorized(capture=CaptureMethod.AUTOMATIC)
    assert automatic.public_status() is ApiStatus.PROCESSING
    with pytest.raises(StateConflict, match="status is processing cannot be refunded"):
        automatic.check_refund(RefundRequest(refund_id="re_1"))
    captured = _captured()
    with pytest.raises(StateConflict, match="status is succeeded cannot be canceled"):
        captured.require(_E.CANCELED)


def test_refund_amounts() -> None:
    s = _captured(1000)
    assert s.check_refund(RefundRequest(refund_id="re_all")) == 1000
    assert s.check_refund(RefundRequest(refund_id="re_part", amount=400)) == 400
    with pytest.raises(AmountRejected, match="exceeds the refundable 1000"):
        s.check_refund(RefundRequest(refund_id="re_big", amount=1001))
    s.reserved["re_flight"] = 700
    assert s.refundable() == 300, "refunds in flight are not refundable twice"
    with pytest.raises(AmountRejected, match="refundable 300"):
        s.check_refund(RefundRequest(refund_id="re_more", amount=301))
    with pytest.raises(StateConflict, match="refund re_flight is already in progress"):
        s.check_refund(RefundRequest(refund_id="re_flight", amount=1))


def test_refunds_book_partially_then_fully_and_a_repeated_id_is_free() -> None:
    s = _captured(1000)
    s.reserved["re_1"] = 300
    s.record_refund(_refund("re_1", 300), NOW)
    assert (s.status, s.amount_refunded, s.reserved) == (_S.PARTIALLY_REFUNDED, 300, {})
    assert s.check_refund(RefundRequest(refund_id="re_1", amount=300)) == 0
    s.record_refund(_refund("re_2", 200), NOW)
    assert s.status is _S.PARTIALLY_REFUNDED
    s.record_refund(_refund("re_3", 500), NOW)
    assert (s.status, s.amount_refunded) == (_S.REFUNDED, 1000)
    assert [t.event for t in s.transitions][-3:] == [
        _E.REFUNDED_PARTIALLY,
        _E.REFUNDED_PARTIALLY,
        _E.REFUNDED_FULLY,
    ]
    assert s.transitions[-1].detail == "refund re_3: 500"


def test_a_full_refund_at_once_ends_refunded() -> None:
    s = _captured(800)
    s.record_refund(_refund("re_all", 800), NOW)
    assert s.status is _S.REFUNDED and s.status.is_terminal


def test_refunds_stop_when_the_window_closes() -> None:
    s = _captured()
    s.refunds_closed = True
    with pytest.raises(StateConflict, match="refund window for this payment has closed"):
        s.check_refund(RefundRequest(refund_id="re_late", amount=1))


def test_view_reports_amounts_card_and_story() -> None:
    s = _captured(1500)
    s.record_refund(_refund("re_1", 500), NOW)
    view = s.view()
    assert (view.status, view.amount, view.amount_authorized) == (_S.PARTIALLY_REFUNDED, 1500, 1500)
    assert (view.amount_captured, view.amount_refunded) == (1500, 500)
    assert (view.processor, view.authorization_id) == ("primary", "auth_1")
    assert view.card == s.request.card and view.created_at == NOW
    assert [r.refund_id for r in view.refunds] == ["re_1"]
    assert len(view.transitions) == 3
    s.apply(_E.REFUNDED_FULLY, NOW)
    assert len(view.transitions) == 3, "a view is a snapshot, not a live list"
