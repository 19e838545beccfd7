"""Finding our PaymentIntents and Refunds again by their metadata (inquiry, reconciliation).

Lists, not search: Stripe's search is eventually consistent (new objects show after up to a
minute), so a miss there would not prove "never received". Lists are read-after-write.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe

Obj = dict[str, Any]
PAGE = 100
LOOKBACK = timedelta(days=8)
"""How far back an inquiry looks: a hold's 7 days and a day (Stripe keeps keys 24 h)."""


class Lookup:
    """Paged lists through one ``StripeClient``."""

    def __init__(self, client: stripe.StripeClient) -> None:
        self._client = client

    async def _pages(self, service: Any, params: Obj) -> AsyncIterator[Obj]:
        params = {**params, "limit": PAGE}
        while True:
            page = await service.list_async(params)
            for item in page.data:
                yield dict(item.to_dict())
            if not page.has_more or not page.data:
                return
            params = {**params, "starting_after": page.data[-1].id}

    def _since(self, service: Any, since: datetime) -> AsyncIterator[Obj]:
        return self._pages(service, {"created": {"gte": int(since.timestamp())}})

    def intents_since(self, since: datetime) -> AsyncIterator[Obj]:
        """Every PaymentIntent created at or after ``since`` (whole seconds)."""
        return self._since(self._client.v1.payment_intents, since)

    def refunds_since(self, since: datetime) -> AsyncIterator[Obj]:
        """Every Refund created at or after ``since`` that names one of our payments."""
        return _ours(self._since(self._client.v1.refunds, since))

    async def intent(self, payment_id: str) -> Obj:
        """The newest PaymentIntent whose metadata names ``payment_id`` (``{}`` if none)."""
        found: Obj = {}
        async for pi in self.intents_since(datetime.now(UTC) - LOOKBACK):
            meta = pi.get("metadata") or {}
            if meta.get("payment_id") == payment_id and pi["created"] >= found.get("created", 0):
                found = pi
        return found

    async def refund(self, pi: Obj, key: str) -> Obj:
        """The Refund made with our idempotency ``key`` (``{}`` if none)."""
        since = datetime.fromtimestamp(int(pi["created"]), UTC)
        async for refund in self.refunds_since(since):
            if refund["metadata"].get("idempotency_key") == key:
                return refund
        return {}


async def _ours(items: AsyncIterator[Obj]) -> AsyncIterator[Obj]:
    async for item in items:
        if (item.get("metadata") or {}).get("payment_id"):
            yield item
