"""Signed webhooks: the verify helper's refusals, and delivery that never delays a payment."""

from __future__ import annotations

import json
import time
import uuid
from typing import get_type_hints

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.notify import LegacyEvent, NotifyActivities
from infra.settings import Settings
from payments.models import CaptureMethod
from payments.status import PaymentStatus
from payments.webhooks import ReplayGuard, SignatureError, sign, verify
from stores.merchants import new_api_key
from tests.helpers import pay
from tests.store_calls import blocking, run_directory
from tests.webhook_receiver import until, webhook_receiver

SECRET = "whsec_test_only"
BODY = b'{"id":"evt_1","type":"payment.succeeded"}'


def test_valid_signature_verifies() -> None:
    now = int(time.time())
    assert verify(sign(SECRET, BODY, now), BODY, SECRET, now=now) == now


@pytest.mark.parametrize(
    ("header_secret", "body", "age", "message"),
    [
        (SECRET, BODY[:-2] + b"X}", 0, "does not match"),
        ("whsec_other", BODY, 0, "does not match"),
        (SECRET, BODY, 301, "tolerance window"),
        (SECRET, BODY, -301, "tolerance window"),
    ],
)
def test_tampered_wrong_or_stale_signatures_are_refused(
    header_secret: str, body: bytes, age: int, message: str
) -> None:
    now = int(time.time())
    header = sign(header_secret, BODY, now - age)
    with pytest.raises(SignatureError, match=message):
        verify(header, body, SECRET, now=now)


@pytest.mark.parametrize("header", ["", "t=abc,v1=00", "v1=00", "t=1"])
def test_malformed_headers_are_refused(header: str) -> None:
    with pytest.raises(SignatureError, match="malformed"):
        verify(header, BODY, SECRET)


def test_replayed_event_id_is_dropped() -> None:
    guard = ReplayGuard()
    assert guard.first_time("evt_1")
    assert not guard.first_time("evt_1")
    assert guard.first_time("evt_2")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared settings, letting the worker deliver to these receivers on 127.0.0.1."""
    return settings.model_copy(update={"webhook_allow_private_targets": True})


@pytest.fixture
def merchant(settings: Settings) -> str:
    name = f"m_{uuid.uuid4().hex[:8]}"
    directory = run_directory(settings.run_dir)
    blocking(directory.add_merchant(name, new_api_key()))
    return name


@pytest.mark.usefixtures("worker")
async def test_events_are_signed_and_failed_ones_carry_customer_words(
    client: Client, settings: Settings, merchant: str
) -> None:
    with webhook_receiver(settings.run_dir, merchant) as receiver:
        ok = await pay(client, settings, merchant_id=merchant, notify=True)
        bad = await pay(client, settings, merchant_id=merchant, notify=True, card="insufficient")
        await until(lambda: len(receiver.events) >= 3)
        assert receiver.types(ok.payment_id) == ["payment.authorized", "payment.succeeded"]
        # The API's vocabulary: an automatic payment being captured is processing, not authorized.
        statuses = [e["data"]["object"]["status"] for e in receiver.of(ok.payment_id)]
        assert statuses == ["processing", "succeeded"]
        (failed,) = receiver.of(bad.payment_id)
        assert (failed["object"], failed["type"]) == ("event", "payment.failed")
        assert failed["data"]["object"]["status"] == "failed"
        assert failed["data"]["object"]["failure"] == {
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "The card has too little available balance or credit.",
            "customer_message": "Your card has insufficient funds.",
            "language": "en",
            "next_step": "try_another_card",
        }


@pytest.mark.usefixtures("worker")
async def test_endpoint_down_does_not_delay_the_payment(
    client: Client, settings: Settings, merchant: str
) -> None:
    with webhook_receiver(settings.run_dir, merchant, fail_first=3) as receiver:
        view = await pay(
            client, settings, merchant_id=merchant, notify=True, capture=CaptureMethod.AUTOMATIC
        )
        assert view.status is PaymentStatus.CAPTURED
        # Captured while every delivery so far had failed: the payment did not wait for them.
        assert receiver.events == []
        await until(lambda: len(receiver.types(view.payment_id)) == 2)
        assert receiver.refused == 3


def test_a_delivery_scheduled_by_an_older_worker_still_decodes() -> None:
    # Events from before the payment object was the payload may be retrying across a deploy.
    legacy = {"id": "evt_pay_1_2", "type": "payment.succeeded", "payment_id": "pay_1",
              "merchant_id": "m_1", "status": "captured", "failure": None}  # fmt: skip
    hint = get_type_hints(NotifyActivities.notify)["note"]
    convert = pydantic_data_converter.payload_converter
    (decoded,) = convert.from_payloads(convert.to_payloads([legacy]), [hint])
    assert isinstance(decoded, LegacyEvent) and decoded.merchant_id == "m_1"
    assert json.loads(decoded.model_dump_json()) == legacy
