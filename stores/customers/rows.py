"""``CustomerRows`` over SQL, once for both backends; a backend only runs statements.

``SqliteCustomerRows`` (the vault's file, sync sqlite3 in a thread) and
``PostgresCustomerRows`` (the process's pool) differ only in ``_fetch`` and ``_change``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from psycopg_pool import AsyncConnectionPool

from stores.customers import sql
from stores.customers.protocol import CustomerRow, Position, SavedCard, TokenState
from stores.statements import PostgresRunner, Runner, SqliteRunner, Step


class _SqlRows:
    """The store's reads and writes, on whichever backend ``runner`` runs."""

    def __init__(self, runner: Runner) -> None:
        """Rows through ``runner``."""
        self._fetch, self._run = runner.fetch, runner.change

    async def _change(self, steps: list[Step]) -> list[int]:
        """Run ``steps`` in one transaction; each one's row count."""
        return [done.count for done in await self._run(steps)]

    async def insert(self, row: CustomerRow) -> None:
        """See ``CustomerRows.insert``."""
        values = (row.id, row.merchant_id, row.key_id, row.sealed, row.created_us)
        await self._change([(sql.INSERT, values)])

    async def get(self, merchant_id: str, customer_id: str) -> CustomerRow | None:
        """See ``CustomerRows.get``."""
        found = await self._fetch(sql.GET, (customer_id, merchant_id))
        return _customer(found[0]) if found else None

    async def older(self, merchant_id: str, before: Position, count: int) -> list[CustomerRow]:
        """See ``CustomerRows.older``."""
        created_us, customer_id = before
        values = (merchant_id, created_us, created_us, customer_id, count)
        return [_customer(r) for r in await self._fetch(sql.OLDER, values)]

    async def delete(self, merchant_id: str, customer_id: str, at_us: int) -> bool:
        """See ``CustomerRows.delete``."""
        counts = await self._change([
            (sql.DELETE, (at_us, customer_id, merchant_id)),
            (sql.REVOKE_ALL, (at_us, customer_id, merchant_id)),
        ])  # fmt: skip
        return counts[0] == 1

    async def attach(self, merchant_id: str, card: SavedCard) -> bool:
        """See ``CustomerRows.attach``."""
        c = card
        values = (c.brand, c.last4, c.exp_month, c.exp_year, c.attached_us, c.token,
                  c.customer_id, merchant_id)  # fmt: skip
        await self._change([(sql.ATTACH, values)])
        found = await self._fetch(sql.ATTACHED, (c.token, c.customer_id, merchant_id))
        return bool(found)

    async def cards(self, merchant_id: str, customer_id: str) -> list[SavedCard]:
        """See ``CustomerRows.cards``."""
        found = await self._fetch(sql.CARDS, (customer_id, merchant_id))
        return [SavedCard(str(t), str(c), str(b), str(l4), int(m), int(y), int(a))
                for t, c, b, l4, m, y, a in found]  # fmt: skip

    async def detach(self, merchant_id: str, customer_id: str, token: str, at_us: int) -> bool:
        """See ``CustomerRows.detach``."""
        counts = await self._change([(sql.DETACH, (at_us, token, customer_id, merchant_id))])
        return counts[0] == 1

    async def token_state(self, merchant_id: str, token: str) -> TokenState | None:
        """See ``CustomerRows.token_state``."""
        found = await self._fetch(sql.SAVED_STATE, (token, merchant_id))
        return TokenState(str(found[0][0]), bool(found[0][1])) if found else None


def _customer(row: tuple[Any, ...]) -> CustomerRow:
    return CustomerRow(str(row[0]), str(row[1]), str(row[2]), bytes(row[3]), int(row[4]))


class SqliteCustomerRows(_SqlRows):
    """Rows in the vault's SQLite file (WAL), the sync sqlite3 calls run in a thread."""

    def __init__(self, path: Path) -> None:
        """Rows in ``path`` (migrated by ``stores.migrate``, area ``vault``)."""
        super().__init__(SqliteRunner(path, sql.for_sqlite))


class PostgresCustomerRows(_SqlRows):
    """Rows in PostgreSQL (``customers``, ``customer_cards``), through the process's pool."""

    def __init__(self, url: str, *, pool: AsyncConnectionPool | None = None) -> None:
        """Rows in the database at ``url``; ``pool`` instead of the process's shared one."""
        super().__init__(PostgresRunner(url, sql.for_postgres, pool))
