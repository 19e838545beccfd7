"""Where merchants' key digests and sealed webhook secrets live, behind ``MerchantRows``.

Hashing and sealing are ``stores.merchants.MerchantDirectory``'s; a backend stores what it is
given. SQLite keeps the pre-migration table names; PostgreSQL, shared by every store, names
the webhook table ``merchant_webhooks``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from infra.sqlite_local import ThreadLocalConnections
from stores import pg


@dataclass(frozen=True, slots=True)
class SealedWebhook:
    """A webhook endpoint with its signing secret sealed."""

    url: str
    key_id: str
    sealed: bytes

    def __repr__(self) -> str:
        return f"SealedWebhook(url={self.url!r})"


class MerchantRows(Protocol):
    """Storage of merchants and their webhook endpoints."""

    async def upsert_merchant(self, merchant_id: str, key_sha256: str, at: datetime) -> None:
        """Add a merchant, or give an existing one this key digest."""
        ...

    async def merchant_by_digest(self, key_sha256: str) -> str | None:
        """The merchant whose key has this digest."""
        ...

    async def put_webhook(self, merchant_id: str, hook: SealedWebhook, at: datetime) -> None:
        """Set (or replace) the merchant's endpoint."""
        ...

    async def webhook(self, merchant_id: str) -> SealedWebhook | None:
        """The merchant's endpoint, or None."""
        ...


class SqliteMerchantRows:
    """Rows in the directory's SQLite file (WAL), the sync sqlite3 calls run in a thread."""

    def __init__(self, path: Path) -> None:
        """Rows in ``path`` (migrated by ``stores.migrate``)."""
        self._conn = ThreadLocalConnections(path).get

    async def upsert_merchant(self, merchant_id: str, key_sha256: str, at: datetime) -> None:
        """See ``MerchantRows.upsert_merchant``."""
        await asyncio.to_thread(
            self._write,
            "INSERT INTO merchants VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE"
            " SET key_sha256 = excluded.key_sha256",
            (merchant_id, key_sha256, at.isoformat()),
        )

    async def merchant_by_digest(self, key_sha256: str) -> str | None:
        """See ``MerchantRows.merchant_by_digest``."""
        row = await asyncio.to_thread(
            self._read, "SELECT id FROM merchants WHERE key_sha256 = ?", key_sha256
        )
        return None if row is None else str(row[0])

    async def put_webhook(self, merchant_id: str, hook: SealedWebhook, at: datetime) -> None:
        """See ``MerchantRows.put_webhook``."""
        await asyncio.to_thread(
            self._write,
            "INSERT OR REPLACE INTO webhooks VALUES (?, ?, ?, ?, ?)",
            (merchant_id, hook.url, hook.key_id, hook.sealed, at.isoformat()),
        )

    async def webhook(self, merchant_id: str) -> SealedWebhook | None:
        """See ``MerchantRows.webhook``."""
        row = await asyncio.to_thread(
            self._read,
            "SELECT url, key_id, sealed FROM webhooks WHERE merchant_id = ?",
            merchant_id,
        )
        return None if row is None else SealedWebhook(row[0], row[1], bytes(row[2]))

    def _write(self, statement: str, values: tuple[object, ...]) -> None:
        with self._conn() as conn:
            conn.execute(statement, values)

    def _read(self, query: str, key: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._conn().execute(query, (key,)).fetchone()
        return row


class PostgresMerchantRows:
    """Rows in PostgreSQL (``merchants``, ``merchant_webhooks``), through the process's pool."""

    def __init__(self, url: str) -> None:
        """Rows in the database at ``url`` (migrated by ``stores.migrate``)."""
        self._url = url

    async def upsert_merchant(self, merchant_id: str, key_sha256: str, at: datetime) -> None:
        """See ``MerchantRows.upsert_merchant``."""
        await self._write(
            "INSERT INTO merchants VALUES (%s, %s, %s) ON CONFLICT (id) DO UPDATE"
            " SET key_sha256 = excluded.key_sha256",
            (merchant_id, key_sha256, at),
        )

    async def merchant_by_digest(self, key_sha256: str) -> str | None:
        """See ``MerchantRows.merchant_by_digest``."""
        row = await self._read("SELECT id FROM merchants WHERE key_sha256 = %s", key_sha256)
        return None if row is None else str(row[0])

    async def put_webhook(self, merchant_id: str, hook: SealedWebhook, at: datetime) -> None:
        """See ``MerchantRows.put_webhook``."""
        await self._write(
            "INSERT INTO merchant_webhooks VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (merchant_id) DO UPDATE SET url = excluded.url,"
            " key_id = excluded.key_id, sealed = excluded.sealed, created_at = excluded.created_at",
            (merchant_id, hook.url, hook.key_id, hook.sealed, at),
        )

    async def webhook(self, merchant_id: str) -> SealedWebhook | None:
        """See ``MerchantRows.webhook``."""
        row = await self._read(
            "SELECT url, key_id, sealed FROM merchant_webhooks WHERE merchant_id = %s", merchant_id
        )
        return None if row is None else SealedWebhook(row[0], row[1], bytes(row[2]))

    async def _write(self, statement: str, values: tuple[object, ...]) -> None:
        async with pg.connect(self._url) as conn:
            await conn.execute(statement, values)

    async def _read(self, query: str, key: str) -> tuple[Any, ...] | None:
        async with pg.connect(self._url) as conn:
            cursor = await conn.execute(query, (key,))
            row: tuple[Any, ...] | None = await cursor.fetchone()
        return row
