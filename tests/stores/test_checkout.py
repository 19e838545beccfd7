"""Checkout sessions on both backends: merchant scope, one row per id, submits, completion."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from stores.checkout import SessionRow, SessionStatus, at_us, open_checkout, status_of
from stores.database import Database

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def _row(session_id: str = "cs_1", merchant: str = "m_a") -> SessionRow:
    return SessionRow(
        id=session_id, merchant_id=merchant, payment_id="pay_1", amount=2500, currency="USD",
        description="Tea", success_url="https://shop.example/ok", cancel_url="https://shop.example/",
        locale=None, csrf_token="t" * 32, created_us=at_us(NOW),
        expires_us=at_us(NOW + timedelta(hours=24)),
    )  # fmt: skip


async def test_a_session_is_seen_by_its_merchant_and_its_page(db: Database) -> None:
    store = await open_checkout(db)
    made = await store.create(_row())
    assert made == _row()
    assert await store.create(replace(_row(), amount=1)) == _row()  # a retry keeps the first
    assert await store.get("cs_1") == _row()
    assert await store.get_for("m_a", "cs_1") == _row()
    for asker in ("m_b", "", "m_a "):
        assert await store.get_for(asker, "cs_1") is None
    assert await store.create(_row(merchant="m_b")) is None  # never handed to another merchant
    assert await store.get("cs_unknown") is None


async def test_submits_are_counted_and_the_first_start_is_kept(db: Database) -> None:
    store = await open_checkout(db)
    await store.create(_row())
    assert await store.count_submit("cs_1") == 1
    assert await store.count_submit("cs_1") == 2
    await store.start("cs_1", NOW)
    await store.start("cs_1", NOW + timedelta(minutes=1))
    found = await store.get("cs_1")
    assert found is not None and (found.started_us, found.submits) == (at_us(NOW), 2)
    assert await store.count_submit("cs_unknown") == 0


async def test_completion_is_kept_once_and_wins_over_expiry(db: Database) -> None:
    store = await open_checkout(db)
    await store.create(_row())
    later = NOW + timedelta(hours=25)
    assert status_of(_row(), NOW) is SessionStatus.OPEN
    assert status_of(_row(), later) is SessionStatus.EXPIRED
    await store.complete("cs_1", NOW)
    await store.complete("cs_1", later)
    found = await store.get("cs_1")
    assert found is not None and found.completed_us == at_us(NOW)
    assert status_of(found, later) is SessionStatus.COMPLETE


def test_the_row_never_shows_its_tokens() -> None:
    shown = repr(_row())
    assert "cs_1" not in shown and "t" * 32 not in shown
