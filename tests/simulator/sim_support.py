"""Helpers for the simulator tests: test cards, ids and a small HTTP client."""

import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

VISA = "4242424242424242"
MASTERCARD = "5555555555554444"


def free_port() -> int:
    """Return a port the OS just reported free."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def card(number: str = VISA, exp_year: int = 2099, exp_month: int = 12) -> dict[str, Any]:
    """Return a card payload."""
    return {"number": number, "exp_month": exp_month, "exp_year": exp_year}


def uid(prefix: str) -> str:
    """Return a unique id so tests sharing one ledger never collide."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass
class Sim:
    """A running simulator and a client for it."""

    url: str
    db_path: Path
    log_path: Path
    http: httpx.Client

    def post(self, path: str, body: Any, key: str | None = None) -> httpx.Response:
        """POST JSON, with an Idempotency-Key when given."""
        headers = {"Idempotency-Key": key} if key is not None else {}
        return self.http.post(path, json=body, headers=headers)

    def authorize(self, amount: int = 1000, number: str = VISA, **extra: Any) -> httpx.Response:
        """Authorize with a fresh key and payment id unless overridden."""
        key = extra.pop("key", uid("key"))
        body = {"card": card(number), "amount": amount, "currency": "USD",
                "merchant_id": "m_test", "payment_id": uid("pay"), "step": "authorize"}  # fmt: skip
        body.update(extra)
        return self.post("/v1/authorizations", body, key)

    def capture(self, auth_id: str, amount: int, key: str | None = None) -> httpx.Response:
        """Capture ``amount`` of a hold."""
        body = {"amount": amount, "payment_id": "p", "step": "capture"}
        return self.post(f"/v1/authorizations/{auth_id}/capture", body, key or uid("key"))

    def void(self, auth_id: str, key: str | None = None) -> httpx.Response:
        """Void a hold."""
        body = {"payment_id": "p", "step": "void"}
        return self.post(f"/v1/authorizations/{auth_id}/void", body, key or uid("key"))

    def refund(self, auth_id: str, amount: int, key: str | None = None) -> httpx.Response:
        """Refund part of a captured hold."""
        body = {"authorization_id": auth_id, "amount": amount, "payment_id": "p", "step": "r"}
        return self.post("/v1/refunds", body, key or uid("key"))

    def hold(self, auth_id: str) -> dict[str, Any]:
        """Return a hold's state."""
        resp = self.http.get(f"/v1/authorizations/{auth_id}")
        assert resp.status_code == 200, resp.text
        return dict(resp.json())

    def ledger(self) -> dict[str, Any]:
        """Return the ledger check."""
        return dict(self.http.get("/v1/admin/ledger/check").json())

    def effects(self, payment_id: str) -> dict[str, Any]:
        """Return effects and attempts for one payment."""
        return dict(self.http.get("/v1/admin/effects", params={"payment_id": payment_id}).json())
