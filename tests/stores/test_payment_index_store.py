"""The payment index on SQLite and on PostgreSQL: the same keyset order and first times."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql

from stack.postgres import PostgresCluster
from stores import pg
from stores.database import Database
from stores.payment_index import Latest, PaymentIndex, Position, open_payment_index
from tests.stores.backends import Backend, backend_fixture, pg_cluster, pg_url  # noqa: F401

T0 = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
# Every character payment ids may hold, so both backends must order them bytewise.
IDS = ["pay_a", "pay_B", "pay_-", "pay__", "pay_0", "pay_Z", "pay_b", "pay_A"]


async def _pages(index: PaymentIndex, merchant: str, size: int) -> list[list[str]]:
    pages: list[list[str]] = []
    after: Position | None = None
    while True:
        rows = await index.older(merchant, after, size)
        if not rows:
            return pages
        pages.append([r.payment_id for r in rows])
        after = (rows[-1].created_us, rows[-1].payment_id)


async def test_pages_are_newest_first_and_ids_break_ties_bytewise(backend: Backend) -> None:
    index = await open_payment_index(backend.db)
    for i, payment_id in enumerate(IDS):  # two creation times, four payments each
        await index.accept("m", payment_id, T0 + timedelta(seconds=i % 2), 100, "EUR")
    await index.accept("other", "pay_other", T0 + timedelta(days=1), 100, "EUR")
    newer = sorted(IDS[1::2], reverse=True)
    older = sorted(IDS[0::2], reverse=True)
    assert await _pages(index, "m", 3) == [newer[:3], newer[3:] + older[:2], older[2:]]
    assert [p for page in await _pages(index, "m", 1) for p in page] == newer + older


async def test_a_cursor_in_the_middle_of_equal_times_resumes_after_it(backend: Backend) -> None:
    index = await open_payment_index(backend.db)
    for payment_id in IDS:
        await index.accept("m", payment_id, T0, 100, "EUR")
    created_us = (await index.older("m", None, 1))[0].created_us
    rest = await index.older("m", (created_us, "pay_Z"), 100)
    assert [r.payment_id for r in rest] == [i for i in sorted(IDS, reverse=True) if i < "pay_Z"]


async def test_accept_keeps_the_first_creation_time(backend: Backend) -> None:
    index = await open_payment_index(backend.db)
    first = await index.accept("m", "pay_1", T0, 1250, "EUR")
    again = await index.accept("m", "pay_1", T0 + timedelta(minutes=5), 1250, "EUR")
    assert first == again == T0
    [row] = await index.older("m", None, 10)
    assert (row.payment_id, row.created_at, row.amount, row.currency) == ("pay_1", T0, 1250, "EUR")


async def test_hosts_accepting_one_payment_at_once_agree_on_its_time(backend: Backend) -> None:
    await open_payment_index(backend.db)  # the schema
    hosts = [PaymentIndex(await backend.index_rows()) for _ in range(8)]
    times = [T0 + timedelta(microseconds=n) for n in range(len(hosts))]
    kept = await asyncio.gather(
        *(h.accept("m", "pay_1", t, 100, "EUR") for h, t in zip(hosts, times, strict=True))
    )
    assert len(set(kept)) == 1 and kept[0] in times
    assert [r.created_at for r in await hosts[0].older("m", None, 10)] == [kept[0]]


async def test_times_are_exact_to_the_microsecond(backend: Backend) -> None:
    index = await open_payment_index(backend.db)
    at = datetime(2026, 12, 2, 12, 0, 0, 123457, tzinfo=UTC)
    assert await index.accept("m", "pay_1", at, 100, "EUR") == at
    assert (await index.older("m", None, 1))[0].created_at == at


async def test_postgres_orders_ids_bytewise_in_a_database_that_collates_by_language(
    pg_cluster: PostgresCluster,  # noqa: F811 - the fixture imported above
) -> None:
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
                " LOCALE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        )
    db = Database({}, pg_cluster.url().rsplit("/", 1)[0] + "/" + name)
    try:
        index = await open_payment_index(db)
        for payment_id in IDS:
            await index.accept("m", payment_id, T0, 100, "EUR")
        listed = [p for page in await _pages(index, "m", 3) for p in page]
    finally:
        await pg.close_all()
    assert listed == sorted(IDS, reverse=True)


def _latest(status: str, version: int, final: bool = False) -> Latest:
    return Latest(status, version, final, f'{{"status": "{status}", "v": {version}}}')


async def test_the_read_model_keeps_only_newer_versions(backend: Backend) -> None:
    index = await open_payment_index(backend.db)
    await index.accept("m", "pay_1", T0, 100, "EUR")
    assert await index.latest("pay_1") == ("m", None)  # accepted, no view known yet
    assert await index.keep("m", "pay_1", _latest("pending", 2))
    assert await index.keep("m", "pay_1", _latest("captured", 6))
    # An older answer arriving late, or the same version again, never replaces the newer one.
    assert not await index.keep("m", "pay_1", _latest("authorized", 4))
    assert not await index.keep("m", "pay_1", _latest("authorized", 6))
    assert await index.latest("pay_1") == ("m", _latest("captured", 6))
    assert await index.keep("m", "pay_1", _latest("captured", 7, final=True))
    [row] = await index.older("m", None, 10)
    assert row.latest == _latest("captured", 7, final=True)


async def test_concurrent_writers_leave_the_newest_version(backend: Backend) -> None:
    await open_payment_index(backend.db)
    hosts = [PaymentIndex(await backend.index_rows()) for _ in range(8)]
    await hosts[0].accept("m", "pay_1", T0, 100, "EUR")
    versions = [3, 9, 1, 7, 9, 2, 8, 5]
    await asyncio.gather(
        *(h.keep("m", "pay_1", _latest(f"s{v}", v)) for h, v in zip(hosts, versions, strict=True))
    )
    assert await hosts[0].latest("pay_1") == ("m", _latest("s9", 9))


async def test_a_view_is_kept_only_on_its_own_merchants_row(backend: Backend) -> None:
    index = await open_payment_index(backend.db)
    await index.accept("m", "pay_1", T0, 100, "EUR")
    assert not await index.keep("other", "pay_1", _latest("captured", 6))
    assert not await index.keep("m", "pay_unknown", _latest("captured", 6))
    assert await index.latest("pay_1") == ("m", None)
    assert await index.latest("pay_unknown") is None
