"""Signed webhooks: the verify helper's refusals, and delivery that never delays a payment."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from temporalio.client import Client

from payments.keyring import load_keyring
from payments.merchants import MerchantDirectory, new_api_key
from payments.models import CaptureMethod
from payments.settings import Settings
from payments.status import PaymentStatus
from payments.webhooks import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    ReplayGuard,
    SignatureError,
    sign,
    verify,
)
from stack.procs import free_port
from tests.helpers import pay

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


class Receiver:
    """A merchant's endpoint: verifies every delivery; can be told to fail the first N."""

    def __init__(self, secret: str, fail_first: int = 0) -> None:
        self.secret, self.fail_left = secret, fail_first
        self.events: list[dict[str, Any]] = []
        self.refused = 0
        self.guard = ReplayGuard()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.accept(self.headers, body)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"

    def accept(self, headers: Any, body: bytes) -> int:
        if self.fail_left > 0:
            self.fail_left -= 1
            self.refused += 1
            return 503
        verify(headers[SIGNATURE_HEADER], body, self.secret)
        if self.guard.first_time(headers[EVENT_ID_HEADER]):
            self.events.append(json.loads(body))
        return 200

    def types(self, payment_id: str) -> list[str]:
        return [e["type"] for e in self.events if e["payment_id"] == payment_id]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared settings, letting the worker deliver to these receivers on 127.0.0.1."""
    return settings.model_copy(update={"webhook_allow_private_targets": True})


@pytest.fixture
def merchant(settings: Settings) -> str:
    return f"m_{uuid.uuid4().hex[:8]}"


@contextmanager
def _receiver(settings: Settings, merchant: str, fail_first: int = 0) -> Iterator[Receiver]:
    directory = MerchantDirectory(
        settings.resolved_merchants_db(), load_keyring(settings.resolved_vault_key_file())
    )
    directory.add_merchant(merchant, new_api_key())
    placeholder = Receiver("", fail_first)
    placeholder.secret = directory.set_webhook(merchant, placeholder.url)
    thread = threading.Thread(target=placeholder.server.serve_forever, daemon=True)
    thread.start()
    yield placeholder
    placeholder.server.shutdown()


async def _until(predicate: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


@pytest.mark.usefixtures("worker")
async def test_events_are_signed_and_failed_ones_carry_customer_words(
    client: Client, settings: Settings, merchant: str
) -> None:
    with _receiver(settings, merchant) as receiver:
        ok = await pay(client, settings, merchant_id=merchant, notify=True)
        bad = await pay(client, settings, merchant_id=merchant, notify=True, card="insufficient")
        await _until(lambda: len(receiver.events) >= 3)
        assert receiver.types(ok.payment_id) == ["payment.authorized", "payment.succeeded"]
        (failed,) = [e for e in receiver.events if e["payment_id"] == bad.payment_id]
        assert failed["type"] == "payment.failed"
        assert failed["failure"]["code"] == "insufficient_funds"
        assert failed["failure"]["customer_message"]["zh"] == "您的银行卡余额不足。"
        assert failed["failure"]["next_step"] == "try_another_card"


@pytest.mark.usefixtures("worker")
async def test_endpoint_down_does_not_delay_the_payment(
    client: Client, settings: Settings, merchant: str
) -> None:
    with _receiver(settings, merchant, fail_first=3) as receiver:
        view = await pay(
            client, settings, merchant_id=merchant, notify=True, capture=CaptureMethod.AUTOMATIC
        )
        assert view.status is PaymentStatus.CAPTURED
        # Captured while every delivery so far had failed: the payment did not wait for them.
        assert receiver.events == []
        await _until(lambda: len(receiver.types(view.payment_id)) == 2)
        assert receiver.refused == 3
