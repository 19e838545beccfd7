"""Each merchant's payments in creation order, in the API's store (SQLite or PostgreSQL).

Temporal's SQL visibility (SQLite, MySQL, PostgreSQL) refuses ``ORDER BY`` and sorts open runs
before closed ones by close time, so its pages shift as payments close. The API therefore keeps
this index: one row per payment it created, written before the workflow starts, at the time
the API first accepted it. The row also holds the read model: the payment's latest view the API
knew, with a version that only grows (``keep``), so reads need no worker. Pages are keyset
ranges over ``(created_us, payment_id)``, newest first, so a cursor always means "older than
this payment" and never shifts.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from stores import api_area
from stores.database import Database
from stores.payment_index.postgres import PostgresIndexRows
from stores.payment_index.protocol import EPOCH, Indexed, IndexRows, Latest, Position
from stores.payment_index.sqlite import SqliteIndexRows

__all__ = ["Indexed", "Latest", "PaymentIndex", "Position", "index_on", "open_payment_index"]

# Above any real creation time: "older than this" is every payment.
_NEWEST = (2**62, "")


class PaymentIndex:
    """Per-merchant payment ids by creation time, on ``rows``."""

    def __init__(self, rows: IndexRows) -> None:
        """An index on ``rows`` (see ``open_payment_index``)."""
        self._rows = rows

    async def accept(
        self, merchant_id: str, payment_id: str, now: datetime, amount: int, currency: str
    ) -> datetime:
        """Record the payment at ``now`` unless already recorded; return its creation time.

        A retry of the same create (same key, so same payment id) keeps the first time.
        """
        created_us = (now - EPOCH) // timedelta(microseconds=1)
        kept = await self._rows.accept(
            merchant_id, Indexed(payment_id, created_us, amount, currency)
        )
        return EPOCH + timedelta(microseconds=kept)

    async def older(self, merchant_id: str, after: Position | None, count: int) -> list[Indexed]:
        """Up to ``count`` payments older than ``after`` (all when None), newest first."""
        return await self._rows.older(merchant_id, after if after is not None else _NEWEST, count)

    async def keep(self, merchant_id: str, payment_id: str, latest: Latest) -> bool:
        """Keep ``latest`` as the payment's read model unless a same or newer version is there.

        Returns True if stored; a payment this index never accepted keeps nothing (False).
        """
        return await self._rows.keep(merchant_id, payment_id, latest)

    async def latest(self, payment_id: str) -> tuple[str, Latest | None] | None:
        """The payment's merchant and latest kept view; None if the index never accepted it."""
        return await self._rows.latest(payment_id)


def index_on(db: Database) -> PaymentIndex:
    """The index in ``db`` as its schema is (for callers that applied the migrations)."""
    if db.url is not None:
        return PaymentIndex(PostgresIndexRows(db.url))
    return PaymentIndex(SqliteIndexRows(db.sqlite_file("api")))


async def open_payment_index(db: Database) -> PaymentIndex:
    """The index in ``db``, after applying the ``api`` area's pending migrations (in a thread)."""
    await asyncio.to_thread(api_area.prepare, db)
    return index_on(db)
