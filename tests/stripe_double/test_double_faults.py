"""The double's injected faults and the idempotency rules that only timing shows."""

from __future__ import annotations

import threading
import time

import pytest
import stripe

from tests.stripe_double.admin import DoubleAdmin
from tests.stripe_double.conftest import SDK_UPLOAD_WARNING, authorize, intents_for, key, sdk

pytestmark = pytest.mark.filterwarnings(SDK_UPLOAD_WARNING)
CREATE = ["payment_intents.create"]


def test_429_executes_nothing_and_says_when_to_retry(
    client: stripe.StripeClient, stripe_double: DoubleAdmin
) -> None:
    params, opts = authorize(), key()
    stripe_double.arm("429", retry_after=2, routes=CREATE)
    with pytest.raises(stripe.RateLimitError) as limited:
        client.v1.payment_intents.create(params, opts)
    headers = limited.value.headers
    assert limited.value.http_status == 429 and limited.value.error.code == "rate_limit"
    assert (headers["Retry-After"], headers["Stripe-Should-Retry"]) == ("2", "true")
    assert intents_for(client, params["metadata"]["payment_id"]) == []
    assert client.v1.payment_intents.create(params, opts).status == "requires_capture"


def test_the_sdk_retries_what_stripe_says_to_retry(stripe_double: DoubleAdmin) -> None:
    retrying, params = sdk(stripe_double.url, retries=1), authorize()
    stripe_double.arm("500", count=1, routes=CREATE)
    assert retrying.v1.payment_intents.create(params, key()).status == "requires_capture"
    assert len(intents_for(retrying, params["metadata"]["payment_id"])) == 1
    assert stripe_double.armed()[0]["remaining"] == 0


def test_500_before_executing_saves_nothing(
    client: stripe.StripeClient, stripe_double: DoubleAdmin
) -> None:
    params, opts = authorize(), key()
    stripe_double.arm("500", routes=CREATE)
    with pytest.raises(stripe.APIError) as failed:
        client.v1.payment_intents.create(params, opts)
    assert failed.value.headers["Stripe-Should-Retry"] == "true"
    assert intents_for(client, params["metadata"]["payment_id"]) == []
    assert client.v1.payment_intents.create(params, opts).status == "requires_capture"


def test_a_500_after_executing_is_saved_and_replayed(
    client: stripe.StripeClient, stripe_double: DoubleAdmin
) -> None:
    params, opts = authorize(), key()
    stripe_double.arm("apply_then_500", routes=CREATE)
    with pytest.raises(stripe.APIError) as failed:
        client.v1.payment_intents.create(params, opts)
    assert failed.value.headers["Stripe-Should-Retry"] == "false"
    with pytest.raises(stripe.APIError) as replayed:
        client.v1.payment_intents.create(params, opts)
    assert replayed.value.headers["Idempotent-Replayed"] == "true"
    found = intents_for(client, params["metadata"]["payment_id"])
    assert [p.status for p in found] == ["requires_capture"], "only metadata finds the effect"


@pytest.mark.parametrize("mode", ["timeout", "reset"])
def test_a_lost_connection_before_executing(stripe_double: DoubleAdmin, mode: str) -> None:
    impatient, params = sdk(stripe_double.url, timeout=0.3), authorize()
    stripe_double.arm(mode, seconds=0.6, routes=CREATE)
    with pytest.raises(stripe.APIConnectionError):
        impatient.v1.payment_intents.create(params, key())
    assert intents_for(impatient, params["metadata"]["payment_id"]) == []


@pytest.mark.parametrize("mode", ["apply_then_timeout", "apply_then_reset"])
def test_a_lost_answer_after_executing_is_replayed_by_its_key(
    stripe_double: DoubleAdmin, mode: str
) -> None:
    impatient, params, opts = sdk(stripe_double.url, timeout=0.3), authorize(), key()
    stripe_double.arm(mode, seconds=0.6, routes=CREATE)
    with pytest.raises(stripe.APIConnectionError):
        impatient.v1.payment_intents.create(params, opts)
    [applied] = intents_for(impatient, params["metadata"]["payment_id"])
    again = impatient.v1.payment_intents.create(params, opts)
    assert again.id == applied.id and again.last_response.headers["Idempotent-Replayed"] == "true"


def test_a_concurrent_request_with_the_same_key_gets_409(
    client: stripe.StripeClient, stripe_double: DoubleAdmin
) -> None:
    params, opts, answers = authorize(), key(), []
    stripe_double.arm("slow", seconds=0.5, routes=CREATE)
    first = threading.Thread(
        target=lambda: answers.append(client.v1.payment_intents.create(params, opts))
    )
    first.start()
    time.sleep(0.2)
    with pytest.raises(stripe.APIError) as conflict:
        client.v1.payment_intents.create(params, opts)
    first.join(5)
    assert (
        conflict.value.http_status == 409 and conflict.value.error.code == "idempotency_key_in_use"
    )
    assert conflict.value.headers["Stripe-Should-Retry"] == "true"
    assert len(answers) == 1 and client.v1.payment_intents.create(params, opts).id == answers[0].id


def test_keys_are_pruned_after_24_hours(
    client: stripe.StripeClient, stripe_double: DoubleAdmin
) -> None:
    params, opts = authorize(), key()
    first = client.v1.payment_intents.create(params, opts)
    with stripe_double.later(23 * 3600), pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.create({**params, "amount": 1200}, opts)
    with stripe_double.later(24 * 3600):
        second = client.v1.payment_intents.create(params, opts)
    assert second.id != first.id, "after 24 h the same key makes a new request"


def test_keys_are_scoped_to_the_api_key(stripe_double: DoubleAdmin) -> None:
    mine, params, opts = sdk(stripe_double.url), authorize(), key()
    other = stripe.StripeClient("sk_test_other", base_addresses={"api": stripe_double.url})
    assert mine.v1.payment_intents.create(params, opts).id != (
        other.v1.payment_intents.create(params, opts).id
    )


def test_faults_count_down_and_clear(stripe_double: DoubleAdmin) -> None:
    client = sdk(stripe_double.url)
    stripe_double.arm("500", count=2)
    for _ in range(2):
        with pytest.raises(stripe.APIError):
            client.v1.payment_intents.list()
    assert client.v1.payment_intents.list({"limit": 1}).object == "list"
    with stripe_double.fault("429"), pytest.raises(stripe.RateLimitError):
        client.v1.payment_intents.list()
    assert stripe_double.armed() == []
