"""The refund ledger on both backends: never more than captured, in time, once per refund id."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from payments.errors import AmountRejected, StateConflict
from stores.database import Database
from stores.refunds import Ask, Captured, RefundLedger, RefundState, open_refunds

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)
FACTS = Captured(payment_id="pay_1", merchant_id="m_a", currency="USD", captured=1000,
                 refundable_until=NOW + timedelta(days=30), processor="mockpay",
                 authorization_id="auth_1")  # fmt: skip


async def _made(ledger: RefundLedger, refund_id: str, amount: int | None) -> int:
    row = await ledger.reserve(FACTS, Ask(refund_id, amount, "asked"), NOW)
    await ledger.book_made(FACTS.payment_id, refund_id, f"pr_{refund_id}", NOW)
    return row.amount


async def test_refunds_add_up_to_what_was_captured_and_no_more(db: Database) -> None:
    ledger = await open_refunds(db)
    assert await _made(ledger, "re_1", 300) == 300
    assert await _made(ledger, "re_2", None) == 700  # all that is left
    with pytest.raises(AmountRejected, match="exceeds the refundable 0"):
        await ledger.reserve(FACTS, Ask("re_3", 1, None), NOW)
    made = await ledger.for_payment("pay_1")
    assert [(r.refund_id, r.amount, r.processor_refund_id) for r in made] == [
        ("re_1", 300, "pr_re_1"), ("re_2", 700, "pr_re_2")]  # fmt: skip
    assert await ledger.for_payment("pay_other") == []


async def test_a_known_refund_id_answers_with_its_first_row(db: Database) -> None:
    ledger = await open_refunds(db)
    await _made(ledger, "re_1", 300)
    again = await ledger.reserve(FACTS, Ask("re_1", 300, "other words"), NOW + timedelta(days=40))
    assert (again.state, again.amount, again.reason) == (RefundState.MADE, 300, "asked")
    assert (await ledger.reserve(FACTS, Ask("re_1", None, None), NOW)).amount == 300
    with pytest.raises(StateConflict, match="exists for 300"):
        await ledger.reserve(FACTS, Ask("re_1", 200, None), NOW)
    # A reservation still in flight answers its own retry (the activity's next attempt).
    first = await ledger.reserve(FACTS, Ask("re_2", 100, None), NOW)
    assert await ledger.reserve(FACTS, Ask("re_2", 100, None), NOW) == first
    assert first.state is RefundState.RESERVED


async def test_reserved_refunds_count_and_a_refused_one_gives_its_amount_back(
    db: Database,
) -> None:
    ledger = await open_refunds(db)
    await ledger.reserve(FACTS, Ask("re_1", 800, None), NOW)
    with pytest.raises(AmountRejected, match="exceeds the refundable 200"):
        await ledger.reserve(FACTS, Ask("re_2", 300, None), NOW)
    await ledger.release("pay_1", "re_1", NOW)
    assert (await ledger.reserve(FACTS, Ask("re_2", 300, None), NOW)).amount == 300
    with pytest.raises(StateConflict, match="refused"):
        await ledger.reserve(FACTS, Ask("re_1", 800, None), NOW)
    assert await ledger.for_payment("pay_1") == []  # reserved and refused are not made


async def test_the_refund_window_is_enforced(db: Database) -> None:
    ledger = await open_refunds(db)
    late = FACTS.refundable_until + timedelta(microseconds=1)
    with pytest.raises(StateConflict, match="refund window"):
        await ledger.reserve(FACTS, Ask("re_1", 100, None), late)
    assert (await ledger.reserve(FACTS, Ask("re_1", 100, None), FACTS.refundable_until)).amount


async def test_concurrent_reservations_never_exceed_the_captured_amount(db: Database) -> None:
    # 40 refunds of 100 race for 1000: exactly ten may be reserved, whatever the interleaving.
    ledger = await open_refunds(db)

    async def one(n: int) -> int:
        try:
            return (await ledger.reserve(FACTS, Ask(f"re_{n}", 100, None), NOW)).amount
        except AmountRejected:
            return 0

    reserved = await asyncio.gather(*(one(n) for n in range(40)))
    assert sum(reserved) == FACTS.captured
    assert reserved.count(100) == 10
