"""Hosted payment page sessions, in the API's store area (SQLite or PostgreSQL).

A session is what a merchant asked the customer to pay (amount, currency, description, where to
send the customer after) and the one payment it leads to: its payment id derives from the
session, so paying twice on one page never makes two payments. The session's id is the page's
bearer token (an HMAC under the API's secret, so unguessable), never the payment id.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from stores import api_area
from stores.checkout.protocol import SessionRow, SessionRows
from stores.checkout.rows import PostgresSessionRows, SqliteSessionRows
from stores.database import Database

__all__ = ["CheckoutStore", "SessionRow", "SessionStatus", "checkout_on", "open_checkout"]
__all__ += ["at_us", "status_of", "time_of"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SessionStatus(StrEnum):
    """Where a session stands: open for a card, paid, or past its expiry unpaid."""

    OPEN = "open"
    COMPLETE = "complete"
    EXPIRED = "expired"


def at_us(when: datetime) -> int:
    """``when`` in microseconds since the epoch."""
    return (when - EPOCH) // timedelta(microseconds=1)


def time_of(us: int) -> datetime:
    """Microseconds since the epoch as a time."""
    return EPOCH + timedelta(microseconds=us)


def status_of(row: SessionRow, now: datetime) -> SessionStatus:
    """Paid wins over expired: a payment that finished after the expiry still counts."""
    if row.completed_us is not None:
        return SessionStatus.COMPLETE
    return SessionStatus.EXPIRED if at_us(now) >= row.expires_us else SessionStatus.OPEN


class CheckoutStore:
    """Checkout sessions on ``rows``."""

    def __init__(self, rows: SessionRows) -> None:
        """A store on ``rows`` (see ``open_checkout``)."""
        self._rows = rows

    async def create(self, row: SessionRow) -> SessionRow | None:
        """Store ``row`` unless its id exists; the session as stored (None: another merchant's)."""
        await self._rows.insert(row)
        return await self._rows.get_for(row.merchant_id, row.id)

    async def get(self, session_id: str) -> SessionRow | None:
        """The session behind a page's token."""
        return await self._rows.get(session_id)

    async def get_for(self, merchant_id: str, session_id: str) -> SessionRow | None:
        """The merchant's session; another merchant's is None."""
        return await self._rows.get_for(merchant_id, session_id)

    async def count_submit(self, session_id: str) -> int:
        """Count one card submitted on the page (bounds card testing); the new count."""
        return await self._rows.count_submit(session_id)

    async def start(self, session_id: str, now: datetime) -> None:
        """Mark the session's payment started (the first time is kept)."""
        await self._rows.start(session_id, at_us(now))

    async def complete(self, session_id: str, now: datetime) -> None:
        """Mark the session paid (the first time is kept)."""
        await self._rows.complete(session_id, at_us(now))


def checkout_on(db: Database) -> CheckoutStore:
    """The store in ``db`` as its schema is (callers that applied the migrations already)."""
    if db.url is not None:
        return CheckoutStore(PostgresSessionRows(db.url))
    return CheckoutStore(SqliteSessionRows(db.sqlite_file("api")))


async def open_checkout(db: Database) -> CheckoutStore:
    """The store in ``db``, after applying the ``api`` area's pending migrations (in a thread)."""
    await asyncio.to_thread(api_area.prepare, db)
    return checkout_on(db)
