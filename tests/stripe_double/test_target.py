"""The "stripe-double" conformance target drives the double as the suite expects."""

from __future__ import annotations

import pytest
import stripe

from tests.processors.stripe_double_target import STRIPE
from tests.processors.stripe_double_target import stripe_double as stripe_double_target
from tests.stripe_double.admin import DoubleAdmin
from tests.stripe_double.conftest import SDK_UPLOAD_WARNING, authorize, intents_for, key, sdk

pytestmark = pytest.mark.filterwarnings(SDK_UPLOAD_WARNING)


def test_its_cards_decline_with_the_decline_code_they_name(stripe_double: DoubleAdmin) -> None:
    target, client = stripe_double_target(stripe_double), sdk(stripe_double.url)
    assert (target.kind, target.url) == (STRIPE, stripe_double.url)
    assert client.v1.payment_intents.create(authorize(number=target.approve), key()).id
    for reason, number in target.declines.items():
        with pytest.raises(stripe.CardError) as declined:
            client.v1.payment_intents.create(authorize(number=number), key())
        assert declined.value.error.decline_code == reason.value


def test_an_outage_refuses_every_call_without_effect(stripe_double: DoubleAdmin) -> None:
    target, client, params = (
        stripe_double_target(stripe_double),
        sdk(stripe_double.url),
        authorize(),
    )
    with target.faults.outage():
        with pytest.raises(stripe.APIError) as refused:
            client.v1.payment_intents.create(params, key())
        with pytest.raises(stripe.APIError):
            client.v1.payment_intents.list()
    assert refused.value.headers["Stripe-Should-Retry"] == "true"
    assert intents_for(client, params["metadata"]["payment_id"]) == []


def test_lost_answers_take_effect_and_answer_late(stripe_double: DoubleAdmin) -> None:
    target, params = stripe_double_target(stripe_double), authorize()
    impatient = sdk(stripe_double.url, timeout=0.3)
    with target.faults.lost_answers(seconds=0.6):
        with pytest.raises(stripe.APIConnectionError):
            impatient.v1.payment_intents.create(params, key())
        [applied] = intents_for(impatient, params["metadata"]["payment_id"])
    assert applied.status == "requires_capture" and stripe_double.armed() == []
