"""``IndexRows``: what a backend of the payment index does, and the rows it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Position = tuple[int, str]
"""``(created_us, payment_id)`` of the last payment a page showed."""


@dataclass(frozen=True, slots=True)
class Indexed:
    """One payment as the API created it."""

    payment_id: str
    created_us: int
    amount: int
    currency: str

    @property
    def created_at(self) -> datetime:
        """Exact (integer microseconds), so the list and the workflow show the same instant."""
        return EPOCH + timedelta(microseconds=self.created_us)


class IndexRows(Protocol):
    """One row per (merchant, payment), ordered by ``(created_us, payment_id)`` bytewise."""

    async def accept(self, merchant_id: str, row: Indexed) -> int:
        """Insert ``row`` unless the payment has one; return the stored ``created_us``."""
        ...

    async def older(self, merchant_id: str, before: Position, count: int) -> list[Indexed]:
        """Up to ``count`` rows strictly before ``before`` in the order, newest first."""
        ...
