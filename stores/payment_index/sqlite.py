"""The payment index in the API's SQLite file (``<run>/api.db``), sync sqlite3 in a thread."""

from __future__ import annotations

import asyncio
from pathlib import Path

from infra.sqlite_local import ThreadLocalConnections
from stores.payment_index.protocol import Indexed, Position

_INSERT = "INSERT OR IGNORE INTO payment_index VALUES (?, ?, ?, ?, ?)"
_CREATED = "SELECT created_us FROM payment_index WHERE merchant_id = ? AND payment_id = ?"
_OLDER = (
    "SELECT payment_id, created_us, amount, currency FROM payment_index"
    " WHERE merchant_id = ? AND (created_us < ? OR (created_us = ? AND payment_id < ?))"
    " ORDER BY created_us DESC, payment_id DESC LIMIT ?"
)


class SqliteIndexRows:
    """``IndexRows`` in one SQLite file (WAL), safe across threads and processes of one host."""

    def __init__(self, path: Path) -> None:
        """Rows in ``path`` (migrated by ``stores.migrate``)."""
        self._conn = ThreadLocalConnections(path, autocommit=True).get

    async def accept(self, merchant_id: str, row: Indexed) -> int:
        """See ``IndexRows.accept``."""
        return await asyncio.to_thread(self._accept, merchant_id, row)

    async def older(self, merchant_id: str, before: Position, count: int) -> list[Indexed]:
        """See ``IndexRows.older``."""
        return await asyncio.to_thread(self._older, merchant_id, before, count)

    def _accept(self, merchant_id: str, row: Indexed) -> int:
        conn = self._conn()
        values = (merchant_id, row.payment_id, row.created_us, row.amount, row.currency)
        conn.execute(_INSERT, values)
        found = conn.execute(_CREATED, (merchant_id, row.payment_id)).fetchone()
        return int(found[0])

    def _older(self, merchant_id: str, before: Position, count: int) -> list[Indexed]:
        created_us, payment_id = before
        values = (merchant_id, created_us, created_us, payment_id, count)
        rows = self._conn().execute(_OLDER, values).fetchall()
        return [Indexed(str(p), int(c), int(a), str(cur)) for p, c, a, cur in rows]
