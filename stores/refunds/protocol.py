"""The refund ledger's rows and its one rule: never refund more than was captured, in time.

``reserve`` is written once as a generator of statements (``reserve_steps``); each backend
drives it inside one locked transaction, so the check and the insert cannot interleave.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from payments.errors import AmountRejected, StateConflict
from stores.refunds import sql

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Rows = list[tuple[Any, ...]]
Steps = Generator[tuple[str, tuple[object, ...]], Rows, "LedgerRow"]


class RefundState(StrEnum):
    """Where one refund stands: money held back for it, returned, or refused for good."""

    RESERVED = "reserved"
    MADE = "made"
    REFUSED = "refused"


def us(when: datetime) -> int:
    """``when`` in microseconds since the epoch."""
    return (when - EPOCH) // timedelta(microseconds=1)


def time_of(micros: int) -> datetime:
    """Microseconds since the epoch as a time."""
    return EPOCH + timedelta(microseconds=micros)


@dataclass(frozen=True, slots=True)
class Captured:
    """The immutable facts of a closed payment's capture, from its workflow's result."""

    payment_id: str
    merchant_id: str
    currency: str
    captured: int
    """What may be refunded in all: captured, less any refund the payment's own workflow made."""
    refundable_until: datetime
    processor: str
    authorization_id: str


@dataclass(frozen=True, slots=True)
class Ask:
    """One refund asked for: ``amount`` None means all that is left."""

    refund_id: str
    amount: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One refund as the ledger holds it."""

    payment_id: str
    refund_id: str
    amount: int
    reason: str | None
    state: RefundState
    processor_refund_id: str | None
    at: datetime


def row_of(found: tuple[Any, ...]) -> LedgerRow:
    """A ledger row as ``sql.GET`` and ``sql.FOR_PAYMENT`` select it."""
    pid, rid, amount, reason, state, prid, at_us = found
    return LedgerRow(str(pid), str(rid), int(amount), reason, RefundState(state), prid,
                     time_of(int(at_us)))  # fmt: skip


def amount_to_reserve(
    limit: tuple[int, int], known: LedgerRow | None, committed: int, ask: Ask, now_us: int
) -> int | None:
    """The amount to reserve for ``ask``; None when ``known`` already answers it.

    ``limit`` is (captured, refundable until in microseconds) as stored for the payment, and
    ``committed`` the sum of its refunds reserved or made.

    Raises:
        StateConflict: The refund id was refused or used for another amount; the window closed.
        AmountRejected: The amount exceeds what is left to refund.
    """
    if known is not None:
        if known.state is RefundState.REFUSED:
            raise StateConflict(f"refund {ask.refund_id} was refused by the processor")
        if ask.amount is not None and ask.amount != known.amount:
            raise StateConflict(f"refund {ask.refund_id} exists for {known.amount}")
        return None
    captured, until_us = limit
    if now_us > until_us:
        raise StateConflict("the refund window for this payment has closed")
    left = captured - committed
    amount = left if ask.amount is None else ask.amount
    if amount <= 0 or amount > left:
        raise AmountRejected(f"refund of {amount} exceeds the refundable {left}", param="amount")
    return amount


def reserve_steps(facts: Captured, ask: Ask, now_us: int) -> Steps:
    """The statements of one reservation, in order; the answer is the refund's row."""
    f = facts
    yield sql.INSERT_PAYMENT, (f.payment_id, f.merchant_id, f.currency, f.captured,
                               us(f.refundable_until), f.processor, f.authorization_id)  # fmt: skip
    limit = yield sql.LOCK_PAYMENT, (f.payment_id,)
    found = yield sql.GET, (f.payment_id, ask.refund_id)
    total = yield sql.COMMITTED, (f.payment_id,)
    known = row_of(found[0]) if found else None
    captured, until_us = int(limit[0][0]), int(limit[0][1])
    amount = amount_to_reserve((captured, until_us), known, int(total[0][0]), ask, now_us)
    if amount is None:
        assert known is not None
        return known
    values = (f.payment_id, ask.refund_id, amount, ask.reason, now_us)
    yield sql.RESERVE, values
    return LedgerRow(f.payment_id, ask.refund_id, amount, ask.reason, RefundState.RESERVED, None,
                     time_of(now_us))  # fmt: skip
