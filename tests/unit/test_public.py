"""The public status vocabulary and the payment object merchants see (API and webhooks)."""

from __future__ import annotations

import pytest

from payments.models import CaptureMethod, Failure, Transition
from payments.public import (
    API_STATUS,
    ApiStatus,
    PaymentOut,
    internal_statuses,
    payment_out,
    public_status,
    stored_status_word,
)
from payments.state import PaymentState
from payments.status import PaymentEvent, PaymentStatus
from tests.factories import NOW, payment_request

_S, _A = PaymentStatus, ApiStatus


def test_every_status_has_one_public_word_and_maps_back() -> None:
    assert set(API_STATUS) == set(PaymentStatus)
    assert set(API_STATUS.values()) == set(ApiStatus)
    for api in ApiStatus:
        assert all(API_STATUS[s] is api for s in internal_statuses(api))
    assert internal_statuses(_A.PROCESSING) == [_S.PENDING, _S.OUTCOME_UNKNOWN]


@pytest.mark.parametrize(
    ("status", "method", "word"),
    [(_S.AUTHORIZED, CaptureMethod.AUTOMATIC, _A.PROCESSING),
     (_S.AUTHORIZED, CaptureMethod.MANUAL, _A.REQUIRES_CAPTURE),
     (_S.OUTCOME_UNKNOWN, CaptureMethod.MANUAL, _A.PROCESSING),
     (_S.CAPTURED, CaptureMethod.AUTOMATIC, _A.SUCCEEDED)],
)  # fmt: skip
def test_an_automatic_payment_being_captured_is_processing(
    status: PaymentStatus, method: CaptureMethod, word: ApiStatus
) -> None:
    assert public_status(status, method) is word


def test_stored_words() -> None:
    assert stored_status_word("captured") == "succeeded"
    assert stored_status_word("authorized") == "requires_capture"
    assert stored_status_word(None) == "closed"
    assert stored_status_word("bogus") == "closed"


def _out(status: PaymentStatus, event: PaymentEvent, code: str | None = None) -> PaymentOut:
    request = payment_request(amount=1000, capture=CaptureMethod.MANUAL)
    s = PaymentState(request=request, created_at=NOW)
    s.status, s.amount_authorized = status, 1000 if status is _S.AUTHORIZED else 0
    s.transitions.append(Transition(event=event, from_status=_S.PENDING, to_status=status, at=NOW))
    if code is not None:
        s.failure = Failure(code=code, message="x")
    return payment_out(s.view(), "zh")


def test_payment_object_for_a_payment_awaiting_capture() -> None:
    out = _out(_S.AUTHORIZED, PaymentEvent.AUTHORIZED)
    assert (out.status, out.amount_capturable, out.failure) == (_A.REQUIRES_CAPTURE, 1000, None)
    assert out.card.last4 == "4242" and out.payment_method.startswith("pm_")


def test_a_decline_is_card_declined_with_its_decline_code() -> None:
    failure = _out(_S.FAILED, PaymentEvent.DECLINED, "stolen_card").failure
    assert failure is not None
    assert (failure.code, failure.decline_code, failure.next_step) == (
        "card_declined",
        "stolen_card",
        "contact_bank",
    )
    assert failure.customer_message == "您的银行卡被拒绝。" and failure.language == "zh"


def test_an_unavailable_processor_is_a_failure_not_a_decline() -> None:
    failure = _out(_S.FAILED, PaymentEvent.FAILED, "processor_unavailable").failure
    assert failure is not None
    assert (failure.code, failure.decline_code) == ("processor_unavailable", None)
