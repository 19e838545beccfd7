"""A merchant's client of several API hosts: retries with the same Idempotency-Key, failing
over to the next host when one is unreachable, as a client behind a load balancer does."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from cli.testcards import card_number
from processors.simulator.admin import SimulatorAdmin
from stores.merchants import new_api_key

PAY = "/v1/payments"
ANSWERS = frozenset({200, 202, 409, 503})
"""Everything a host may answer to a valid request; anything else is a wrong answer."""


def try_again(resp: httpx.Response) -> bool:
    """The key is still in flight elsewhere (409), the host could not reach what it needs (503),
    or it failed unexpectedly (500: retried with the same key as Stripe's clients do, but
    counted in ``seen``, where the tests refuse it)."""
    if resp.status_code == 409:
        return bool(resp.json()["error"]["code"] == "idempotency_key_in_use")
    return resp.status_code in (500, 503)


@dataclass(frozen=True)
class Merchant:
    """A merchant and its secret key (never printed)."""

    id: str
    key: str = field(repr=False)

    @classmethod
    def new(cls) -> Merchant:
        """A fresh merchant id with a fresh key."""
        return cls(f"m_{uuid.uuid4().hex[:10]}", new_api_key())

    def headers(self, idempotency_key: str | None = None) -> dict[str, str]:
        """Authorization, and the Idempotency-Key when given."""
        headers = {"Authorization": f"Bearer {self.key}"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return headers


def payment_body(amount: int, manual: bool = False) -> dict[str, Any]:
    """A create body with the visa test card."""
    card = {"number": card_number("visa"), "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    capture = "manual" if manual else "automatic"
    return {"amount": amount, "currency": "USD", "card": card, "capture_method": capture}


@dataclass
class HostsClient:
    """One HTTP client for every host; records every status code any host answered."""

    http: httpx.AsyncClient
    merchant: Merchant
    seen: Counter[int] = field(default_factory=Counter)

    async def post(
        self, urls: Sequence[str], path: str, body: dict[str, Any], key: str, budget: float = 60
    ) -> httpx.Response:
        """POST until an answer that is not "try again"; an unreachable host moves to the next."""
        deadline, turn = time.monotonic() + budget, 0
        while True:
            url = urls[turn % len(urls)]
            try:
                resp = await self.http.post(
                    url + path, json=body, headers=self.merchant.headers(key)
                )
            except httpx.TransportError:
                turn += 1  # the host died or refused: the next one takes the same key
            else:
                self.seen[resp.status_code] += 1
                if not try_again(resp):
                    return resp
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} key {key}: no final answer in {budget:.0f}s")
            await asyncio.sleep(0.25)

    async def get(self, url: str, payment_id: str) -> dict[str, Any]:
        """One payment as ``url``'s host reads it (retrying while ``try_again`` says so)."""
        for _ in range(120):
            resp = await self.http.get(f"{url}{PAY}/{payment_id}", headers=self.merchant.headers())
            self.seen[resp.status_code] += 1
            if not try_again(resp):
                resp.raise_for_status()
                return dict(resp.json())
            await asyncio.sleep(0.25)
        raise TimeoutError(f"{payment_id}: no answer but 500/503 for 30s")

    async def wait_status(
        self, url: str, payment_id: str, wanted: set[str], budget: float = 60
    ) -> dict[str, Any]:
        """Poll ``url`` until the payment's status is one of ``wanted``; its last view."""
        deadline = time.monotonic() + budget
        while True:
            view = await self.get(url, payment_id)
            if view["status"] in wanted or time.monotonic() > deadline:
                return view
            await asyncio.sleep(0.5)


def effect_problems(sim: SimulatorAdmin, payment_ids: set[str]) -> list[str]:
    """Payments whose processor effects are not exactly one authorize and one capture."""
    effects = [e for e in sim.report()["effects"] if e["payment_id"] in payment_ids]
    per_step = Counter((e["payment_id"], e["step"]) for e in effects)
    problems = [f"{pid} {step}: {n} effects" for (pid, step), n in per_step.items() if n > 1]
    operations: dict[str, list[str]] = {pid: [] for pid in payment_ids}
    for e in effects:
        operations[e["payment_id"]].append(e["operation"])
    problems += [f"{pid}: {sorted(ops)}" for pid, ops in operations.items()
                 if sorted(ops) != ["authorize", "capture"]]  # fmt: skip
    return problems


def in_flight_at(sim: SimulatorAdmin, payment_ids: set[str], moment: datetime | None = None) -> int:
    """Payments authorized before ``moment`` (default: now) and not captured by then."""
    first: dict[tuple[str, str], datetime] = {}
    for e in sim.report()["effects"]:
        if e["payment_id"] in payment_ids:
            at = datetime.fromisoformat(e["created_at"])
            first.setdefault((e["payment_id"], e["operation"]), at)
    now = moment or datetime.now(UTC)
    later = now + timedelta(days=1)  # not captured yet
    return sum(
        1
        for pid in payment_ids
        if first.get((pid, "authorize"), later) < now < first.get((pid, "capture"), later)
    )
