"""``facade.reads`` rules without Temporal: which open payments the kept view answers for, and
the version that orders kept views."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facade.reads import api_moves_only, version_of
from payments.authentication import Challenge
from payments.models import CaptureMethod, Refund
from payments.refunds import with_refunds
from payments.state import PaymentState
from payments.status import PaymentEvent, PaymentStatus
from tests.factories import NOW, payment_request

_S, _E = PaymentStatus, PaymentEvent


def _state(capture: CaptureMethod = CaptureMethod.MANUAL) -> PaymentState:
    return PaymentState(request=payment_request(amount=1000, capture=capture), created_at=NOW)


def _authorized(capture: CaptureMethod = CaptureMethod.MANUAL) -> PaymentState:
    s = _state(capture)
    s.amount_authorized = 1000
    s.apply(_E.AUTHORIZED, NOW)
    return s


def test_a_manual_authorization_waits_for_the_merchant_an_automatic_one_is_being_captured() -> None:
    assert api_moves_only(_authorized().view(), NOW)
    assert not api_moves_only(_authorized(CaptureMethod.AUTOMATIC).view(), NOW)


@pytest.mark.parametrize("status", [_S.PENDING, _S.OUTCOME_UNKNOWN, _S.CAPTURED])
def test_payments_in_flux_are_asked(status: PaymentStatus) -> None:
    view = _state().view().model_copy(update={"status": status})
    assert not api_moves_only(view, NOW)


def test_a_challenge_is_the_customers_until_it_expires() -> None:
    challenge = Challenge(
        challenge_id="ch_1", url="https://acs", expires_at=NOW + timedelta(minutes=5)
    )
    view = _state().view().model_copy(update={"status": _S.REQUIRES_ACTION, "challenge": challenge})
    assert api_moves_only(view, NOW)
    assert not api_moves_only(view, NOW + timedelta(minutes=6))  # the workflow asks on its own


def test_a_payment_waiting_for_another_card_waits_for_the_api() -> None:
    view = _state().view().model_copy(update={"status": _S.REQUIRES_PAYMENT_METHOD})
    assert api_moves_only(view, NOW)


def test_versions_grow_with_every_step_and_a_closed_result_outranks_the_same_view_open() -> None:
    s = _state()
    pending = s.view()
    s.amount_authorized = 1000
    s.apply(_E.AUTHORIZED, NOW)
    authorized = s.view()
    s.amount_captured = 1000
    s.apply(_E.CAPTURED, NOW)
    captured = s.view()
    versions = [version_of(v, False) for v in (pending, authorized, captured)]
    assert versions == sorted(set(versions))
    assert version_of(captured, True) > version_of(captured, False)
    refund = Refund(refund_id="re_1", processor_refund_id="pr_1", amount=400, reason=None, at=NOW)
    assert version_of(with_refunds(captured, [refund]), False) > version_of(captured, True)
