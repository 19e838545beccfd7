"""The ``api`` mix: automatic payments through the merchant HTTP API, as merchants send them.

The API process runs in the throwaway stack under its own role, so the bench reports its CPU
per payment next to the server's and the worker's: the edge a production deployment sizes.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import aiohttp

from stack.checks import http_ok
from stack.commands import child_env
from stack.loadcards import random_visa
from stack.ports import free_port
from stack.throwaway import ThrowawayStack
from stores.merchants import new_api_key

ANSWER_SECONDS = 60.0
# The per-merchant token bucket protects the API from one merchant; the bench is one merchant
# driving the whole stack, so the limit would measure the bucket, not the API.
UNLIMITED_RATE = "100000"


@dataclass(frozen=True)
class ApiEdge:
    """Where the bench's API listens, the bench merchant's key and the raw cards it sends."""

    url: str
    api_key: str
    cards: tuple[str, ...]
    session: aiohttp.ClientSession


def _start(stack: ThrowawayStack, merchant: str, key: str) -> str:
    port = free_port()
    env = {**stack.settings_env(), "PAYMENTS_API_PORT": str(port),
           "PAYMENTS_API_KEYS": json.dumps({merchant: key}),
           "PAYMENTS_API_RATE_PER_SECOND": UNLIMITED_RATE,
           "PAYMENTS_API_RATE_BURST": UNLIMITED_RATE}  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    # The stack's own launcher, as chaos/stack.py uses it: logs and CPU under the role "api".
    proc = stack._proc("api", "api", [sys.executable, "-m", "api"], child_env(env))
    proc.wait_ready(lambda: http_ok(f"{url}/readyz"), timeout=60)
    return url


@asynccontextmanager
async def api_edge(
    stack: ThrowawayStack, merchant: str, cards: int, wanted: bool
) -> AsyncIterator[ApiEdge | None]:
    """Start ``python -m api`` in ``stack`` if ``wanted``, and yield how to reach it (or None)."""
    if not wanted:
        yield None
        return
    key = new_api_key()
    url = _start(stack, merchant, key)
    numbers = tuple(random_visa() for _ in range(cards))
    async with aiohttp.ClientSession() as session:
        yield ApiEdge(url, key, numbers, session)


async def post_payment(edge: ApiEdge, i: int, amount: int) -> tuple[str, float]:
    """POST one automatic payment with a raw card; its id and seconds until ``succeeded``.

    Raises:
        RuntimeError: Any other answer (its status and the API's error code, never the card).
    """
    body = {"amount": amount, "currency": "usd",
            "card": {"number": edge.cards[i % len(edge.cards)], "exp_month": 12,
                     "exp_year": date.today().year + 2, "cvc": "123"}}  # fmt: skip
    headers = {"Authorization": f"Bearer {edge.api_key}", "Idempotency-Key": uuid.uuid4().hex}
    t0 = time.time()
    timeout = aiohttp.ClientTimeout(total=ANSWER_SECONDS)
    async with edge.session.post(
        f"{edge.url}/v1/payments", json=body, headers=headers, timeout=timeout
    ) as resp:
        answer = await resp.json(content_type=None)
    if resp.status == 202 and answer.get("status") == "processing":
        # Slower than the API's confirm wait (a loaded machine): poll, as a merchant would.
        answer = await _until_settled(edge, str(answer["id"]), t0 + ANSWER_SECONDS)
    if answer.get("status") != "succeeded":
        code = answer.get("status") or answer.get("error", {}).get("code")
        raise RuntimeError(f"API answered {resp.status} {code}, expected 200 succeeded")
    return str(answer["id"]), time.time() - t0


async def _until_settled(edge: ApiEdge, payment_id: str, deadline: float) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {edge.api_key}"}
    while True:
        async with edge.session.get(f"{edge.url}/v1/payments/{payment_id}", headers=headers) as r:
            answer: dict[str, Any] = await r.json(content_type=None)
        if answer.get("status") != "processing" or time.time() > deadline:
            return answer
        await asyncio.sleep(0.2)
