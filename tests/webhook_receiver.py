"""A merchant's webhook endpoint for tests: verifies every delivery, can fail the first N."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from payments.webhooks import EVENT_ID_HEADER, SIGNATURE_HEADER, ReplayGuard, verify
from stack.ports import free_port
from tests.store_calls import blocking, run_directory


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

    def of(self, payment_id: str) -> list[dict[str, Any]]:
        """The events about one payment, in the order they arrived."""
        return [e for e in self.events if e["data"]["object"]["id"] == payment_id]

    def types(self, payment_id: str) -> list[str]:
        return [e["type"] for e in self.of(payment_id)]


@contextmanager
def webhook_receiver(run_dir: Path, merchant: str, fail_first: int = 0) -> Iterator[Receiver]:
    """A receiver registered as ``merchant``'s endpoint in the run folder's merchants.db."""
    directory = run_directory(run_dir)
    receiver = Receiver("", fail_first)
    receiver.secret = blocking(directory.set_webhook(merchant, receiver.url))
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()


async def until(predicate: Any, timeout: float = 30) -> None:
    """Wait until ``predicate()`` is true, failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)
