"""Idempotency rows in PostgreSQL, shared by every API host, through the process's pool.

A claim is one transaction: ``INSERT ... ON CONFLICT DO NOTHING`` (the primary key lets exactly
one of several hosts insert; the others wait for its commit), else ``SELECT ... FOR UPDATE``
(hosts taking over one released or abandoned key queue on the row lock, so the first one's
takeover is what the next one judges), then the rules decide and the row is updated.
"""

from __future__ import annotations

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from stores import pg
from stores.idempotency.protocol import Judge
from stores.idempotency.rules import IN_FLIGHT, Claimed, Lease, Outcome, Row
from stores.idempotency.writes import TAKE, KeyWrites, for_postgres

_INSERT = (
    "INSERT INTO idempotency (merchant_id, key, fingerprint, state, created_at, claimed_at,"
    " owner, owner_host, owner_pid, lease_until) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (merchant_id, key) DO NOTHING"
)
_LOCK = (
    "SELECT fingerprint, state, status, body, claimed_at, owner, owner_host, owner_pid,"
    " lease_until FROM idempotency WHERE merchant_id = %s AND key = %s FOR UPDATE"
)
_TAKE_PG = for_postgres(TAKE)
# A row purged between the insert that found it and the lock: insert again, at most this often.
_ATTEMPTS = 3


class PostgresKeyRows(KeyWrites):
    """``KeyRows`` in the ``idempotency`` table; claims are atomic across hosts."""

    def __init__(self, url: str, *, pool: AsyncConnectionPool | None = None) -> None:
        """Rows in the database at ``url`` (migrated by ``stores.migrate``); ``pool`` instead of
        the process's shared one (tests use it to play several hosts)."""
        self._url, self._pool = url, pool

    async def claim(
        self, merchant_id: str, key: str, fp: str, lease: Lease, judge: Judge
    ) -> Outcome:
        """See ``KeyRows.claim``."""
        async with pg.connect(self._url, self._pool) as conn:
            for _ in range(_ATTEMPTS):
                async with conn.transaction():
                    outcome = await _claim(conn, merchant_id, key, fp, lease, judge)
                if outcome is not None:
                    return outcome
        raise RuntimeError(f"idempotency key row kept vanishing for merchant {merchant_id}")

    async def _write(self, statement: str, values: tuple[object, ...]) -> None:
        async with pg.connect(self._url, self._pool) as conn:
            await conn.execute(for_postgres(statement), values)


async def _claim(
    conn: AsyncConnection, merchant_id: str, key: str, fp: str, lease: Lease, judge: Judge
) -> Outcome | None:
    """One attempt inside a transaction; None if the row vanished before it could be locked."""
    holder = (lease.owner, lease.host, lease.pid, lease.until)
    values = (merchant_id, key, fp, IN_FLIGHT, lease.now, lease.now, *holder)
    inserted = await conn.execute(_INSERT, values)
    if inserted.rowcount == 1:
        return Claimed(lease.owner)
    found = await (await conn.execute(_LOCK, (merchant_id, key))).fetchone()
    if found is None:
        return None
    refusal = judge(Row(*found))
    if refusal is not None:
        return refusal
    await conn.execute(_TAKE_PG, (IN_FLIGHT, lease.now, *holder, merchant_id, key))
    return Claimed(lease.owner)
