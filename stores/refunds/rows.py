"""The refund ledger on SQLite (its own file, ``BEGIN IMMEDIATE``) or PostgreSQL (the pool).

Both backends run the same statements (``stores.refunds.sql``) and drive the same reservation
(``protocol.reserve_steps``) inside one transaction; only how a transaction is held differs.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from psycopg_pool import AsyncConnectionPool

from infra.sqlite_local import ThreadLocalConnections
from stores import pg
from stores.refunds import sql
from stores.refunds.protocol import LedgerRow, Rows, Steps, row_of
from stores.statements import PostgresRunner, Runner, SqliteRunner


class _SqlRows:
    """Reads and single-statement writes, on whichever backend ``runner`` runs."""

    def __init__(self, runner: Runner) -> None:
        self._runner = runner

    async def book(self, statement: str, values: tuple[object, ...]) -> None:
        """Run one write (``sql.MADE`` or ``sql.RELEASE``)."""
        await self._runner.change([(statement, values)])

    async def get(self, payment_id: str, refund_id: str) -> LedgerRow | None:
        """One refund's row, or None."""
        found = await self._runner.fetch(sql.GET, (payment_id, refund_id))
        return row_of(found[0]) if found else None

    async def made(self, payment_id: str) -> list[LedgerRow]:
        """The payment's made refunds, oldest first."""
        return [row_of(r) for r in await self._runner.fetch(sql.FOR_PAYMENT, (payment_id,))]


class SqliteRefundRows(_SqlRows):
    """The ledger in its SQLite file (WAL); a reservation holds the file's write lock."""

    def __init__(self, path: Path) -> None:
        """Rows in ``path`` (migrated by ``stores.migrate``, area ``refunds``)."""
        super().__init__(SqliteRunner(path, sql.for_sqlite))
        self._conn = ThreadLocalConnections(path, autocommit=True).get

    async def reserve(self, steps: Steps) -> LedgerRow:
        """Drive ``steps`` in one ``BEGIN IMMEDIATE`` transaction."""
        return await asyncio.to_thread(self._reserve, steps)

    def _reserve(self, steps: Steps) -> LedgerRow:
        conn: sqlite3.Connection = self._conn()
        # IMMEDIATE takes the write lock first: no other reservation reads the totals meanwhile.
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows: Rows | None = None
            while True:
                statement, values = steps.send(rows)  # type: ignore[arg-type]  # None first
                rows = list(conn.execute(sql.for_sqlite(statement), values).fetchall())
        except StopIteration as done:
            conn.execute("COMMIT")
            answer: LedgerRow = done.value
            return answer
        except BaseException:
            conn.execute("ROLLBACK")
            raise


class PostgresRefundRows(_SqlRows):
    """The ledger in PostgreSQL; a reservation locks the payment's row ``FOR UPDATE``."""

    def __init__(self, url: str, *, pool: AsyncConnectionPool | None = None) -> None:
        """Rows in the database at ``url``; ``pool`` instead of the process's shared one."""
        super().__init__(PostgresRunner(url, sql.for_postgres, pool))
        self._url, self._pool = url, pool

    async def reserve(self, steps: Steps) -> LedgerRow:
        """Drive ``steps`` in one transaction."""
        async with pg.connect(self._url, self._pool) as conn, conn.transaction():
            rows: Rows | None = None
            try:
                while True:
                    statement, values = steps.send(rows)  # type: ignore[arg-type]  # None first
                    cursor = await conn.execute(sql.for_postgres(statement), values)
                    rows = list(await cursor.fetchall()) if cursor.description else []
            except StopIteration as done:
                answer: LedgerRow = done.value
                return answer


RefundRows = SqliteRefundRows | PostgresRefundRows
