"""``KeyRows``: what a backend of the idempotency store does - row access, nothing more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from stores.idempotency.rules import Lease, Outcome, Refusal, Row

Judge = Callable[[Row], Refusal | None]
"""``rules.verdict`` bound to one request: a refusal, or None to take the key."""


class KeyRows(Protocol):
    """Idempotency rows, one per (merchant, key)."""

    async def claim(
        self, merchant_id: str, key: str, fp: str, lease: Lease, judge: Judge
    ) -> Outcome:
        """In one transaction: insert an in-flight row, or lock the existing row, ask ``judge``
        and, when it allows, hand the row to ``lease``."""
        ...

    async def renew(self, merchant_id: str, key: str, owner: str, until: float) -> None:
        """Move the lease of ``owner``'s in-flight claim to ``until``."""
        ...

    async def finish(
        self, merchant_id: str, key: str, owner: str, status: int, body: bytes
    ) -> None:
        """Save the answer, only while ``owner`` holds the key in flight."""
        ...

    async def release(self, merchant_id: str, key: str, owner: str) -> None:
        """Mark the key released, only while ``owner`` holds it in flight."""
        ...

    async def purge(self, before: float) -> None:
        """Delete rows not in flight created before ``before``."""
        ...
