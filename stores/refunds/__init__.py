"""The refund ledger of payments whose workflow has closed (area ``refunds``).

A captured payment's workflow ends once the money has moved; each later refund is made by a
short ``RefundWorkflow`` whose one activity reserves the amount here, asks the processor, and
books the answer. The reservation is one transaction holding the payment's row (PostgreSQL
``FOR UPDATE``, SQLite ``BEGIN IMMEDIATE``), so concurrent refunds never add up to more than
was captured; a refund id already known answers with its first row.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from payments.models import Refund
from stores import migrate
from stores.database import Database
from stores.refunds import sql
from stores.refunds.protocol import Ask, Captured, LedgerRow, RefundState, reserve_steps, us
from stores.refunds.rows import PostgresRefundRows, RefundRows, SqliteRefundRows

__all__ = ["Ask", "Captured", "LedgerRow", "RefundLedger", "RefundState", "as_refund"]
__all__ += ["open_refunds"]
__all__ += ["refunds_on"]


def as_refund(row: LedgerRow) -> Refund:
    """A made refund as payments show it."""
    return Refund(refund_id=row.refund_id, processor_refund_id=row.processor_refund_id or "",
                  amount=row.amount, reason=row.reason, at=row.at)  # fmt: skip


class RefundLedger:
    """Reservations, their outcome, and the made refunds of each payment."""

    def __init__(self, rows: RefundRows) -> None:
        """A ledger on ``rows`` (see ``open_refunds``)."""
        self._rows = rows

    async def reserve(self, facts: Captured, ask: Ask, now: datetime) -> LedgerRow:
        """Hold back ``ask``'s amount, or answer with the refund id's row if it is known.

        Raises:
            StateConflict: The window closed, or the refund id was refused or had another amount.
            AmountRejected: More than is left of what was captured (reserved refunds count).
            StoreUnavailable: The database could not be reached; nothing changed.
        """
        return await self._rows.reserve(reserve_steps(facts, ask, us(now)))

    async def book_made(
        self, payment_id: str, refund_id: str, processor_refund_id: str, now: datetime
    ) -> Refund:
        """Mark a reserved refund made (again is a no-op); the refund as booked."""
        values = (processor_refund_id, us(now), payment_id, refund_id)
        await self._rows.book(sql.MADE, values)
        row = await self._rows.get(payment_id, refund_id)
        assert row is not None and row.state is RefundState.MADE, "booked a refund never reserved"
        return as_refund(row)

    async def release(self, payment_id: str, refund_id: str, now: datetime) -> None:
        """The processor refused the refund for good: its amount is refundable again."""
        await self._rows.book(sql.RELEASE, (us(now), payment_id, refund_id))

    async def get(self, payment_id: str, refund_id: str) -> LedgerRow | None:
        """One refund's row in whatever state, or None."""
        return await self._rows.get(payment_id, refund_id)

    async def for_payment(self, payment_id: str) -> list[Refund]:
        """The payment's made refunds, oldest first (what readers join to its view)."""
        return [as_refund(row) for row in await self._rows.made(payment_id)]


def refunds_on(db: Database) -> RefundLedger:
    """The ledger in ``db`` as its schema is (callers that applied the migrations already)."""
    if db.url is not None:
        return RefundLedger(PostgresRefundRows(db.url))
    return RefundLedger(SqliteRefundRows(db.sqlite_file("refunds")))


async def open_refunds(db: Database) -> RefundLedger:
    """The ledger in ``db``, after applying the ``refunds`` area's pending migrations."""
    await asyncio.to_thread(migrate.apply, db, "refunds")
    return refunds_on(db)
