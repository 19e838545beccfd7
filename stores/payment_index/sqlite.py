"""The payment index in the API's SQLite file (``<run>/api.db``), sync sqlite3 in a thread."""

from __future__ import annotations

import asyncio
from pathlib import Path

from infra.sqlite_local import ThreadLocalConnections
from stores.payment_index.protocol import Indexed, Latest, Position, indexed, latest_of

_INSERT = (
    "INSERT OR IGNORE INTO payment_index (merchant_id, payment_id, created_us, amount, currency)"
    " VALUES (?, ?, ?, ?, ?)"
)
_CREATED = "SELECT created_us FROM payment_index WHERE merchant_id = ? AND payment_id = ?"
_OLDER = (
    "SELECT payment_id, created_us, amount, currency, status, version, final, view"
    " FROM payment_index"
    " WHERE merchant_id = ? AND (created_us < ? OR (created_us = ? AND payment_id < ?))"
    " ORDER BY created_us DESC, payment_id DESC LIMIT ?"
)

# A newer version only: the rule holds under concurrent writers (one statement, one row).
_KEEP = (
    "UPDATE payment_index SET status = ?, version = ?, final = ?, view = ?"
    " WHERE merchant_id = ? AND payment_id = ? AND (version IS NULL OR version < ?)"
)
_LATEST = "SELECT merchant_id, status, version, final, view FROM payment_index WHERE payment_id = ?"


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

    async def keep(self, merchant_id: str, payment_id: str, latest: Latest) -> bool:
        """See ``IndexRows.keep``."""
        return await asyncio.to_thread(self._keep, merchant_id, payment_id, latest)

    async def latest(self, payment_id: str) -> tuple[str, Latest | None] | None:
        """See ``IndexRows.latest``."""
        return await asyncio.to_thread(self._latest, payment_id)

    def _keep(self, merchant_id: str, payment_id: str, latest: Latest) -> bool:
        new = (latest.status, latest.version, int(latest.final), latest.view)
        cursor = self._conn().execute(_KEEP, (*new, merchant_id, payment_id, latest.version))
        return cursor.rowcount == 1

    def _latest(self, payment_id: str) -> tuple[str, Latest | None] | None:
        found = self._conn().execute(_LATEST, (payment_id,)).fetchone()
        return None if found is None else (str(found[0]), latest_of(*found[1:]))

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
        return [indexed(*row) for row in rows]
