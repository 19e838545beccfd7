"""The Stripe contract double answers the official SDK as Stripe documents (tests/stripe_double)."""

from __future__ import annotations

import time

import httpx
import pytest
import stripe

from tests.stripe_double.admin import DoubleAdmin
from tests.stripe_double.conftest import SDK_UPLOAD_WARNING, authorize, card, intents_for, key
from tests.stripe_double.fixture import API_KEY

pytestmark = pytest.mark.filterwarnings(SDK_UPLOAD_WARNING)

DECLINES = [
    ("4000000000000002", "card_declined", "generic_decline"),
    ("4000000000009995", "card_declined", "insufficient_funds"),
    ("4000000000009987", "card_declined", "lost_card"),
    ("4000000000009979", "card_declined", "stolen_card"),
    ("4000000000000069", "expired_card", "expired_card"),
    ("4000000000000127", "incorrect_cvc", "incorrect_cvc"),
    ("4000000000000119", "processing_error", "processing_error"),
]


def test_manual_capture_of_part_releases_the_rest(client: stripe.StripeClient) -> None:
    pm = client.v1.payment_methods.create({**card(), "card": {**card()["card"], "cvc": "123"}})
    assert pm.card is not None and pm.card.last4 == "4242" and "4242424242" not in str(pm)
    params = {**authorize(1000), "payment_method": pm.id}
    del params["payment_method_data"]
    pi = client.v1.payment_intents.create(params, key())
    assert (pi.status, pi.amount_capturable, pi.metadata["merchant_id"]) == (
        "requires_capture",
        1000,
        "m1",
    )
    done = client.v1.payment_intents.capture(pi.id, {"amount_to_capture": 600}, key())
    assert (done.status, done.amount_received, done.amount_capturable) == ("succeeded", 600, 0)
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.payment_intents.capture(pi.id, {}, key())
    assert again.value.code == "payment_intent_unexpected_state"
    assert client.v1.payment_intents.retrieve(pi.id).amount_received == 600


def test_capture_more_than_capturable_is_refused(client: stripe.StripeClient) -> None:
    pi = client.v1.payment_intents.create(authorize(1000), key())
    with pytest.raises(stripe.InvalidRequestError) as over:
        client.v1.payment_intents.capture(pi.id, {"amount_to_capture": 1001}, key())
    assert over.value.param == "amount_to_capture"
    assert client.v1.payment_intents.retrieve(pi.id).status == "requires_capture"


def test_same_key_same_params_replays_one_intent(client: stripe.StripeClient) -> None:
    params, opts = authorize(800), key()
    first = client.v1.payment_intents.create(params, opts)
    again = client.v1.payment_intents.create(params, opts)
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.last_response.headers
    assert len(intents_for(client, params["metadata"]["payment_id"])) == 1


def test_same_key_other_params_or_endpoint_is_an_idempotency_error(
    client: stripe.StripeClient,
) -> None:
    params, opts = authorize(800), key()
    first = client.v1.payment_intents.create(params, opts)
    with pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.create({**params, "amount": 801}, opts)
    with pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.cancel(first.id, {}, opts)
    assert client.v1.payment_intents.retrieve(first.id).status == "requires_capture"


@pytest.mark.parametrize(("number", "code", "decline_code"), DECLINES)
def test_test_cards_decline_with_their_decline_code(
    client: stripe.StripeClient, number: str, code: str, decline_code: str
) -> None:
    params, opts = authorize(number=number), key()
    with pytest.raises(stripe.CardError) as caught:
        client.v1.payment_intents.create(params, opts)
    err = caught.value
    assert (err.http_status, err.code, err.error.decline_code) == (402, code, decline_code)
    assert err.error.payment_intent.status == "requires_payment_method"
    assert err.error.payment_intent.last_payment_error.decline_code == decline_code
    assert err.headers["Stripe-Should-Retry"] == "false" and number not in str(err.json_body)
    with pytest.raises(stripe.CardError) as replayed:  # a decline is saved for its key
        client.v1.payment_intents.create(params, opts)
    assert replayed.value.headers["Idempotent-Replayed"] == "true"


def test_three_d_secure_cards(client: stripe.StripeClient) -> None:
    challenged = client.v1.payment_intents.create(authorize(number="4000000000003220"), key())
    assert challenged.status == "requires_action" and challenged.next_action is not None
    with pytest.raises(stripe.CardError) as off:
        client.v1.payment_intents.create(
            authorize(number="4000000000003220", off_session=True), key()
        )
    assert off.value.code == "authentication_required"
    frictionless = client.v1.payment_intents.create(authorize(number="4000000000003055"), key())
    assert frictionless.status == "requires_capture"


@pytest.mark.parametrize(
    ("amount", "currency", "ok"),
    [(1005, "kwd", False), (1000, "kwd", True), (120, "bhd", True), (1, "tnd", False),
     (500, "jpy", True), (10, "usd", False), (100_000_000, "usd", False)],
)  # fmt: skip
def test_amount_rules(client: stripe.StripeClient, amount: int, currency: str, ok: bool) -> None:
    params = {**authorize(amount), "currency": currency}
    if ok:
        assert client.v1.payment_intents.create(params, key()).amount == amount
        return
    opts = key()
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.payment_intents.create(params, opts)
    assert caught.value.param == "amount"
    fixed = client.v1.payment_intents.create({**params, "currency": "usd", "amount": 1000}, opts)
    assert fixed.amount == 1000, "a refused request saves nothing for its key"


def test_refunds_partial_multiple_never_more_than_captured(client: stripe.StripeClient) -> None:
    pi = client.v1.payment_intents.create(authorize(1000), key())
    client.v1.payment_intents.capture(pi.id, {"amount_to_capture": 700}, key())
    meta = {"refund_id": "re_1"}
    first = client.v1.refunds.create({"payment_intent": pi.id, "amount": 300, "metadata": meta})
    assert (first.amount, first.status, first.metadata["refund_id"]) == (300, "succeeded", "re_1")
    with pytest.raises(stripe.InvalidRequestError) as over:
        client.v1.refunds.create({"payment_intent": pi.id, "amount": 401}, key())
    assert (over.value.param, over.value.code) == ("amount", None)
    assert client.v1.refunds.create({"payment_intent": pi.id}, key()).amount == 400
    with pytest.raises(stripe.InvalidRequestError) as done:
        client.v1.refunds.create({"payment_intent": pi.id, "amount": 1}, key())
    assert done.value.code == "charge_already_refunded"


def test_no_refund_of_a_canceled_or_uncaptured_intent(client: stripe.StripeClient) -> None:
    held = client.v1.payment_intents.create(authorize(1000), key())
    with pytest.raises(stripe.InvalidRequestError) as uncaptured:
        client.v1.refunds.create({"payment_intent": held.id, "amount": 100}, key())
    assert uncaptured.value.code == "charge_not_refundable"
    canceled = client.v1.payment_intents.cancel(held.id, {}, key())
    assert (canceled.status, canceled.amount_capturable) == ("canceled", 0)
    with pytest.raises(stripe.InvalidRequestError) as after_cancel:
        client.v1.refunds.create({"payment_intent": held.id}, key())
    assert after_cancel.value.code == "charge_not_refundable"
    for late in (client.v1.payment_intents.cancel, client.v1.payment_intents.capture):
        with pytest.raises(stripe.InvalidRequestError) as refused:
            late(held.id, {}, key())
        assert refused.value.code == "payment_intent_unexpected_state"


def test_lists_since_a_time_newest_first_with_pages(client: stripe.StripeClient) -> None:
    since = int(time.time())
    made = [client.v1.payment_intents.create(authorize(1000 + i), key()).id for i in range(3)]
    listed = client.v1.payment_intents.list({"created": {"gte": since}, "limit": 2})
    assert [p.id for p in listed.data] == made[::-1][:2] and listed.has_more
    rest = client.v1.payment_intents.list({"created": {"gte": since}, "starting_after": made[1]})
    assert made[0] in [p.id for p in rest.data] and made[2] not in [p.id for p in rest.data]
    future = client.v1.payment_intents.list({"created": {"gte": since + 3600}})
    assert future.data == []
    client.v1.payment_intents.capture(made[0], {}, key())
    client.v1.refunds.create({"payment_intent": made[0], "amount": 50}, key())
    refunds = client.v1.refunds.list({"payment_intent": made[0], "created": {"gte": since}})
    assert [r.amount for r in refunds.data] == [50]


def test_search_by_metadata_and_status(client: stripe.StripeClient) -> None:
    params = authorize(1000)
    pi = client.v1.payment_intents.create(params, key())
    pid = params["metadata"]["payment_id"]
    both = f"metadata['payment_id']:'{pid}' AND status:'requires_capture'"
    assert [p.id for p in client.v1.payment_intents.search({"query": both}).data] == [pi.id]
    other = f"metadata['payment_id']:'{pid}' AND status:'succeeded'"
    assert client.v1.payment_intents.search({"query": other}).data == []


def test_search_can_lag_behind_writes_and_lists_never_do(
    client: stripe.StripeClient, stripe_double: DoubleAdmin
) -> None:
    params, since = authorize(1000), int(time.time())
    stripe_double.search_lag(60)
    try:
        pi = client.v1.payment_intents.create(params, key())
        assert intents_for(client, params["metadata"]["payment_id"]) == []
        listed = client.v1.payment_intents.list({"created": {"gte": since}, "limit": 100})
        assert pi.id in [p.id for p in listed.data]
        with stripe_double.later(61):
            found = intents_for(client, params["metadata"]["payment_id"])
        assert [p.id for p in found] == [pi.id]
    finally:
        stripe_double.search_lag(0)


def test_a_wrong_api_key_is_refused(stripe_double: DoubleAdmin) -> None:
    bad = stripe.StripeClient("pk_live_nope", base_addresses={"api": stripe_double.url})
    with pytest.raises(stripe.AuthenticationError):
        bad.v1.payment_intents.list()
    basic = httpx.get(f"{stripe_double.url}/v1/payment_intents", auth=(API_KEY, ""))
    assert basic.status_code == 200 and basic.json()["object"] == "list"


@pytest.mark.parametrize("http", [stripe.HTTPXClient, stripe.AIOHTTPClient])
async def test_the_async_clients_work(stripe_double: DoubleAdmin, http: type) -> None:
    client = stripe.StripeClient(
        API_KEY, base_addresses={"api": stripe_double.url}, http_client=http(timeout=2)
    )
    pi = await client.v1.payment_intents.create_async(authorize(900), key())
    done = await client.v1.payment_intents.capture_async(pi.id, {}, key())
    assert done.amount_received == 900


@pytest.mark.parametrize(
    ("number", "code"),
    [("4242424242424242", None), ("4000000000000127", "incorrect_cvc"),
     ("4000000000000002", "card_declined")],
)  # fmt: skip
def test_a_setup_intent_checks_the_card_without_charging(
    client: stripe.StripeClient, number: str, code: str | None
) -> None:
    data = {**card(number), "card": {**card(number)["card"], "cvc": "999"}}
    params = {"payment_method_data": data, "confirm": True, "usage": "off_session"}
    if code is None:
        assert client.v1.setup_intents.create(params, key()).status == "succeeded"
        return
    with pytest.raises(stripe.CardError) as refused:
        client.v1.setup_intents.create(params, key())
    assert refused.value.code == code
    assert refused.value.error.setup_intent.last_setup_error.code == code
