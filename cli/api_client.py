"""A client of the merchant HTTP API: every POST carries an Idempotency-Key and is retried with
the same key when the answer is not final (503, a key still in flight, a dropped connection)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

JSON = dict[str, Any]
_RETRY_STATUSES = {503}
_FINAL_WAIT = 120.0


class ApiRefused(Exception):
    """The API answered with an error; ``error`` is its error object."""

    def __init__(self, status: int, error: JSON) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.status, self.error = status, error


class ApiClient:
    """One merchant's view of the API."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, api_key: str) -> None:
        """Use ``http`` (pooled) to call ``base_url`` with ``api_key``."""
        self._http, self._base = http, base_url.rstrip("/")
        self._auth = {"Authorization": f"Bearer {api_key}"}

    async def _get(self, path: str, **params: Any) -> JSON:
        query = {k: v for k, v in params.items() if v is not None}
        resp = await self._http.get(self._base + path, params=query, headers=self._auth)
        return _checked(resp)

    async def post(self, path: str, body: JSON, key: str | None = None, attempts: int = 8) -> JSON:
        """POST ``body`` under ``key`` (a fresh one if None), retrying what is not final."""
        headers = {**self._auth, "Idempotency-Key": key or str(uuid.uuid4())}
        for attempt in range(attempts):
            try:
                resp = await self._http.post(self._base + path, json=body, headers=headers)
            except httpx.TransportError:
                if attempt == attempts - 1:
                    raise
            else:
                error = _json(resp).get("error", {}) if resp.status_code >= 400 else {}
                again = resp.status_code in _RETRY_STATUSES or (
                    error.get("code") == "idempotency_key_in_use"
                )
                if not again or attempt == attempts - 1:
                    return _checked(resp)
            # Same key: the API attaches the retry to the same payment, capture or refund.
            await asyncio.sleep(min(0.25 * 2**attempt, 4.0))
        raise AssertionError("unreachable")

    async def pay(self, body: JSON, key: str | None = None) -> JSON:
        """Create and confirm a payment; wait (polling) while it is ``processing``."""
        payment = await self.post("/v1/payments", body, key)
        return await self.settled(payment)

    async def settled(self, payment: JSON) -> JSON:
        """Poll until the payment is no longer ``processing`` (at most two minutes)."""
        deadline = asyncio.get_running_loop().time() + _FINAL_WAIT
        while payment["status"] == "processing":
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.5)
            payment = await self.payment(payment["id"])
        return payment

    async def capture(self, payment_id: str, amount: int | None = None) -> JSON:
        """Capture all or ``amount`` of an authorized payment."""
        body = {} if amount is None else {"amount": amount}
        return await self.post(f"/v1/payments/{payment_id}/capture", body)

    async def cancel(self, payment_id: str, reason: str | None = None) -> JSON:
        """Void an authorized payment."""
        body = {} if reason is None else {"reason": reason}
        return await self.post(f"/v1/payments/{payment_id}/cancel", body)

    async def refund(
        self, payment_id: str, amount: int | None = None, reason: str | None = None
    ) -> JSON:
        """Refund all or ``amount`` of a captured payment."""
        body = {k: v for k, v in (("amount", amount), ("reason", reason)) if v is not None}
        return await self.post(f"/v1/payments/{payment_id}/refunds", body)

    async def payment(self, payment_id: str) -> JSON:
        """One payment."""
        return await self._get(f"/v1/payments/{payment_id}")

    async def payments(self, status: str | None = None, limit: int = 20) -> JSON:
        """The first page of payments, newest first."""
        return await self._get("/v1/payments", status=status, limit=limit)


def _json(resp: httpx.Response) -> JSON:
    try:
        body = resp.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _checked(resp: httpx.Response) -> JSON:
    """The answer's JSON object, or ``ApiRefused`` for an error or an answer that is not ours."""
    body = _json(resp)
    error = body.get("error")
    if isinstance(error, dict) and resp.status_code >= 400:
        raise ApiRefused(resp.status_code, error)
    if resp.status_code < 400 and body and error is None:
        return body
    # Not the payments API: a proxy's error page, or another server on that port.
    message = f"{resp.url} answered {resp.status_code} without a payments API object"
    status = resp.status_code if resp.status_code >= 400 else 502
    raise ApiRefused(status, {"code": f"http_{resp.status_code}", "message": message})


def payment_lines(p: JSON) -> list[str]:
    """A payment as a short report."""
    card = p["card"]
    lines = [
        f"payment    {p['id']}",
        f"status     {p['status']}",
        f"amount     {p['amount']} {p['currency']} minor units ({p['capture_method']} capture)",
        f"card       {card['brand']} ****{card['last4']}",
        f"capturable {p['amount_capturable']}   captured {p['amount_captured']}"
        f"   refunded {p['amount_refunded']}",
    ]
    if p.get("failure"):
        f = p["failure"]
        lines.append(f"failure    {f['code']}: {f['message']} (next step: {f['next_step']})")
    return lines
