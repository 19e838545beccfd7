"""The payment index in PostgreSQL, shared by every API host, through the process's pool.

``payment_id`` is ``COLLATE "C"`` (bytewise, as SQLite compares), so a cursor means the same
position on both backends.
"""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool

from stores import pg
from stores.payment_index.protocol import Indexed, Latest, Position, indexed, latest_of

_INSERT = (
    "INSERT INTO payment_index (merchant_id, payment_id, created_us, amount, currency)"
    " VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT (merchant_id, payment_id) DO NOTHING"
)
_CREATED = "SELECT created_us FROM payment_index WHERE merchant_id = %s AND payment_id = %s"
_OLDER = (
    "SELECT payment_id, created_us, amount, currency, status, version, final, view"
    " FROM payment_index WHERE merchant_id = %s AND (created_us, payment_id) < (%s, %s)"
    " ORDER BY created_us DESC, payment_id DESC LIMIT %s"
)
# A newer version only: the rule holds under concurrent writers (one statement, one row).
_KEEP = (
    "UPDATE payment_index SET status = %s, version = %s, final = %s, view = %s"
    " WHERE merchant_id = %s AND payment_id = %s AND (version IS NULL OR version < %s)"
)
_LATEST = (
    "SELECT merchant_id, status, version, final, view FROM payment_index WHERE payment_id = %s"
)


class PostgresIndexRows:
    """``IndexRows`` in the ``payment_index`` table."""

    def __init__(self, url: str, *, pool: AsyncConnectionPool | None = None) -> None:
        """Rows in the database at ``url`` (migrated by ``stores.migrate``); ``pool`` instead of
        the process's shared one."""
        self._url, self._pool = url, pool

    async def accept(self, merchant_id: str, row: Indexed) -> int:
        """See ``IndexRows.accept``."""
        values = (merchant_id, row.payment_id, row.created_us, row.amount, row.currency)
        async with pg.connect(self._url, self._pool) as conn:
            await conn.execute(_INSERT, values)
            cursor = await conn.execute(_CREATED, (merchant_id, row.payment_id))
            found = await cursor.fetchone()
        assert found is not None  # inserted, or there already: rows are never deleted
        return int(found[0])

    async def older(self, merchant_id: str, before: Position, count: int) -> list[Indexed]:
        """See ``IndexRows.older``."""
        async with pg.connect(self._url, self._pool) as conn:
            cursor = await conn.execute(_OLDER, (merchant_id, *before, count))
            rows = await cursor.fetchall()
        return [indexed(*row) for row in rows]

    async def keep(self, merchant_id: str, payment_id: str, latest: Latest) -> bool:
        """See ``IndexRows.keep``."""
        new = (latest.status, latest.version, latest.final, latest.view)
        async with pg.connect(self._url, self._pool) as conn:
            cursor = await conn.execute(_KEEP, (*new, merchant_id, payment_id, latest.version))
            return cursor.rowcount == 1

    async def latest(self, payment_id: str) -> tuple[str, Latest | None] | None:
        """See ``IndexRows.latest``."""
        async with pg.connect(self._url, self._pool) as conn:
            cursor = await conn.execute(_LATEST, (payment_id,))
            found = await cursor.fetchone()
        return None if found is None else (str(found[0]), latest_of(*found[1:]))
