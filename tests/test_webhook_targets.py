"""Webhook targets (SSRF): the URL checks, and deliveries that never reach a non-public address."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from payments import webhook_urls
from payments.keyring import load_keyring
from payments.merchants import MerchantDirectory, new_api_key
from payments.settings import Settings
from payments.webhook_urls import TargetRefused, check_url, non_public_kind
from stack.local import StackConfig, components
from stack.procs import free_port
from tests.helpers import pay

REFUSED = [
    # (url, words the reason contains)
    ("http://[::1", "not a valid URL"),
    ("http://hooks.example.com\x00/x", "control characters"),
    ("http://hooks.example.com/a b", "spaces"),
    ("https://hooks.example.com:99999/x", "port"),
    ("https://hooks.example.com:0/x", "port"),
    ("https://alice:s3cret@hooks.example.com/x", "credentials"),
    ("https://token@hooks.example.com/x", "credentials"),
    ("ftp://hooks.example.com/x", "http:// or https://"),
    ("http:/hooks.example.com", "http:// or https://"),
    ("http://127.0.0.1:8080/hooks", "loopback"),
    ("http://[::1]/hooks", "loopback"),
    ("http://[::ffff:127.0.0.1]/hooks", "loopback"),
    ("http://[::ffff:a00:1]/hooks", "private"),
    ("http://10.0.0.7/hooks", "private"),
    ("http://192.168.1.1/hooks", "private"),
    ("http://172.16.0.1/hooks", "private"),
    ("http://[fd00::1]/hooks", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://[fe80::1]/hooks", "link-local"),
    ("http://0.0.0.0/hooks", "unspecified"),
    ("http://[::]/hooks", "unspecified"),
    ("http://224.0.0.1/hooks", "multicast"),
    ("http://[ff02::1]/hooks", "multicast"),
    ("http://240.0.0.1/hooks", "reserved"),
    ("http://100.64.0.1/hooks", "non-public"),
    ("http://localhost:8080/hooks", "local-only"),
    ("http://LOCALHOST./hooks", "local-only"),
    ("http://api.localhost/hooks", "local-only"),
    ("http://metadata.google.internal/x", "local-only"),
    ("http://127.1/hooks", "valid host"),
    ("http://2130706433/hooks", "valid host"),
    ("http://0x7f.0.0.1/hooks", "valid host"),
    ("http://hooks..example.com/", "valid host"),
    ("https://hööks.example.com/", "ASCII"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_unsafe_or_malformed_urls_are_refused_with_a_reason_that_omits_the_url(
    url: str, reason: str
) -> None:
    with pytest.raises(TargetRefused) as refused:
        check_url(url, allow_private=False)
    assert reason in str(refused.value)
    message = str(refused.value)
    assert url not in message
    assert not [
        w for w in ("example", "alice", "s3cret", "127.", "::", "169.", "0x") if w in message
    ]


@pytest.mark.parametrize(
    "url",
    ["https://hooks.example.com/x?a=1", "HTTP://Hooks.Example.com:8443/", "http://8.8.8.8/h",
     "http://[2001:4860:4860::8888]:8080/h", "https://hooks.example.com./h"],
)  # fmt: skip
def test_public_urls_are_accepted(url: str) -> None:
    check_url(url, allow_private=False)


def test_the_development_setting_allows_private_targets_but_not_malformed_ones() -> None:
    assert check_url("http://127.0.0.1:8080/hooks", allow_private=True).port == 8080
    assert check_url("http://localhost/hooks", allow_private=True).host == "localhost"
    for url in ("http://[::1", "http://u:p@127.0.0.1/", "http://127.0.0.1:99999/"):
        with pytest.raises(TargetRefused):
            check_url(url, allow_private=True)


def test_ipv6_forms_embedding_a_private_ipv4_address_are_not_public() -> None:
    for text in ("::ffff:10.0.0.1", "2002:a00:1::", "64:ff9b::7f00:1"):
        assert non_public_kind(ip_address(text)) is not None
    assert non_public_kind(ip_address("2001:4860:4860::8888")) is None


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
    keyring = load_keyring(settings.resolved_vault_key_file())
    directory = MerchantDirectory(settings.resolved_merchants_db(), keyring)
    directory.add_merchant(merchant, new_api_key())
    directory.set_webhook(merchant, url)
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


def test_make_up_allows_private_targets_for_its_local_receiver(tmp_path: Path) -> None:
    """The demo's receiver is on 127.0.0.1; the stack's worker and API must both allow it."""
    comps = {c.name: c for c in components(StackConfig(run_dir=tmp_path))}
    for name in ("worker-1", "api"):
        assert comps[name].env["PAYMENTS_WEBHOOK_ALLOW_PRIVATE_TARGETS"] == "true"
    assert Settings.model_fields["webhook_allow_private_targets"].default is False
