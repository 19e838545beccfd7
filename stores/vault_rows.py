"""Where the vault's sealed rows live: a SQLite file or PostgreSQL, behind ``VaultRows``.

Only storage differs between backends: sealing, the owner in the associated data and the
cache are ``stores.vault.CardVault``'s, so a row is sealed the same way on either.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from infra.sqlite_local import ThreadLocalConnections
from stores import pg

# The same columns on both backends; only table names and placeholders differ.
_SQLITE_INSERT = (
    "INSERT INTO cards (token, key_id, sealed, brand, last4, exp_month, exp_year, created_at,"
    " merchant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SQLITE_READ = "SELECT key_id, sealed, exp_month, exp_year, merchant_id FROM cards WHERE token = ?"
_PG_INSERT = (
    "INSERT INTO vault_cards (token, key_id, sealed, brand, last4, exp_month, exp_year,"
    " created_at, merchant_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_PG_READ = (
    "SELECT key_id, sealed, exp_month, exp_year, merchant_id FROM vault_cards WHERE token = %s"
)


@dataclass(frozen=True, slots=True)
class VaultRow:
    """One stored card: the number only as ``sealed`` (nonce and AES-GCM ciphertext)."""

    token: str
    key_id: str
    sealed: bytes
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    created_at: datetime
    merchant_id: str | None

    def __repr__(self) -> str:
        return f"VaultRow(token={self.token!r}, key_id={self.key_id!r})"


@dataclass(frozen=True, slots=True)
class SealedCard:
    """What resolving a token needs from its row."""

    key_id: str
    sealed: bytes
    exp_month: int
    exp_year: int
    merchant_id: str | None


class VaultRows(Protocol):
    """Storage of sealed card rows."""

    async def insert(self, row: VaultRow) -> None:
        """Store a new row (tokens are fresh random ids, never overwritten)."""
        ...

    async def get(self, token: str) -> SealedCard | None:
        """The row of ``token``, or None."""
        ...


class SqliteVaultRows:
    """Rows in the vault's SQLite file (WAL), the sync sqlite3 calls run in a thread."""

    def __init__(self, path: Path) -> None:
        """Rows in ``path`` (migrated by ``stores.migrate``)."""
        self._conn = ThreadLocalConnections(path).get

    async def insert(self, row: VaultRow) -> None:
        """See ``VaultRows.insert``."""
        await asyncio.to_thread(self._insert, row)

    async def get(self, token: str) -> SealedCard | None:
        """See ``VaultRows.get``."""
        return await asyncio.to_thread(self._get, token)

    def _insert(self, r: VaultRow) -> None:
        values = (r.token, r.key_id, r.sealed, r.brand, r.last4, r.exp_month, r.exp_year,
                  r.created_at.isoformat(), r.merchant_id)  # fmt: skip
        with self._conn() as conn:
            conn.execute(_SQLITE_INSERT, values)

    def _get(self, token: str) -> SealedCard | None:
        row = self._conn().execute(_SQLITE_READ, (token,)).fetchone()
        return None if row is None else SealedCard(row[0], bytes(row[1]), *row[2:])


class PostgresVaultRows:
    """Rows in PostgreSQL's ``vault_cards``, through the process's connection pool."""

    def __init__(self, url: str) -> None:
        """Rows in the database at ``url`` (migrated by ``stores.migrate``)."""
        self._url = url

    async def insert(self, row: VaultRow) -> None:
        """See ``VaultRows.insert``."""
        r = row
        values = (r.token, r.key_id, r.sealed, r.brand, r.last4, r.exp_month, r.exp_year,
                  r.created_at, r.merchant_id)  # fmt: skip
        async with pg.connect(self._url) as conn:
            await conn.execute(_PG_INSERT, values)

    async def get(self, token: str) -> SealedCard | None:
        """See ``VaultRows.get``."""
        async with pg.connect(self._url) as conn:
            cursor = await conn.execute(_PG_READ, (token,))
            row = await cursor.fetchone()
        return None if row is None else SealedCard(row[0], bytes(row[1]), *row[2:])
