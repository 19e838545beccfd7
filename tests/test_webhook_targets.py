"""Webhook deliveries (SSRF): never to a non-public address, even if DNS changes its answer."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from infra.settings import Settings
from payments import webhook_urls
from stack.ports import free_port
from stores.merchants import new_api_key
from tests.helpers import pay
from tests.store_calls import blocking, run_directory


class Receiver:
    """An endpoint on 127.0.0.1 that records the Host header of every POST."""

    def __init__(self) -> None:
        self.hosts: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.hosts.append(self.headers["Host"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.port = self.server.server_port


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    threading.Thread(target=r.server.serve_forever, daemon=True).start()
    yield r
    r.server.shutdown()


def _hooked_merchant(settings: Settings, url: str) -> str:
    """A merchant whose endpoint is stored directly, as a URL registered before the checks."""
    merchant = f"m_{uuid.uuid4().hex[:8]}"
    directory = run_directory(settings.run_dir)
    blocking(directory.add_merchant(merchant, new_api_key()))
    blocking(directory.set_webhook(merchant, url))
    return merchant


async def _notify_failures(client: Client, payment_id: str, want: int) -> list[str]:
    """Messages of the payment's failed notify activities, once ``want`` of them failed."""
    deadline = time.monotonic() + 30
    while True:
        history = await client.get_workflow_handle(payment_id).fetch_history()
        failed = [
            e.activity_task_failed_event_attributes.failure
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
        ]
        if len(failed) >= want or time.monotonic() > deadline:
            errors = [await client.data_converter.decode_failure(f) for f in failed]
            return [str(e) for e in errors]
        await asyncio.sleep(0.2)


async def _pay_hooked(client: Client, settings: Settings, url: str) -> str:
    merchant = _hooked_merchant(settings, url)
    view = await pay(client, settings, merchant_id=merchant, notify=True)
    return view.payment_id


@pytest.mark.usefixtures("worker")
async def test_delivery_refuses_a_stored_loopback_url(
    client: Client, settings: Settings, receiver: Receiver
) -> None:
    pid = await _pay_hooked(client, settings, f"http://127.0.0.1:{receiver.port}/hooks")
    messages = await _notify_failures(client, pid, want=2)
    # Both events (authorized, succeeded) refused once each, not retried, nothing received.
    assert len(messages) == 2 and all("loopback" in m for m in messages), messages
    assert receiver.hosts == []


@pytest.mark.usefixtures("worker")
async def test_delivery_refuses_a_name_that_now_resolves_to_a_private_address(
    client: Client, settings: Settings, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def rebound(host: str, port: int) -> list[webhook_urls.IPAddress]:
        return [ip_address("93.184.216.34"), ip_address("127.0.0.1")]

    monkeypatch.setattr(webhook_urls, "resolve", rebound)
    pid = await _pay_hooked(client, settings, f"http://hooks.rebind.test:{receiver.port}/h")
    messages = await _notify_failures(client, pid, want=2)
    assert len(messages) == 2 and all("loopback" in m for m in messages), messages
    assert receiver.hosts == []


@pytest.mark.usefixtures("worker")
async def test_delivery_connects_to_the_address_it_checked(
    client: Client, settings: Settings, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend 127.0.0.1 is public and is what the (unresolvable) name resolves to: the event
    # arrives only if the connection goes to the checked address, with the name as Host.
    async def checked(host: str, port: int) -> list[webhook_urls.IPAddress]:
        return [ip_address("127.0.0.1")]

    monkeypatch.setattr(webhook_urls, "resolve", checked)
    monkeypatch.setattr(webhook_urls, "non_public_kind", lambda ip: None)
    await _pay_hooked(client, settings, f"http://hooks.pinned.test:{receiver.port}/h")
    deadline = time.monotonic() + 30
    while len(receiver.hosts) < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert receiver.hosts == [f"hooks.pinned.test:{receiver.port}"] * 2
