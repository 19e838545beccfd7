"""Running SQL written once for both backends: SQLite in a thread, PostgreSQL through the pool.

The customer and checkout stores keep one set of statements (``?`` placeholders) and hand
them to a runner; a ``dialect`` adapts a statement to its backend (placeholders, table names).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg_pool import AsyncConnectionPool

from infra.sqlite_local import ThreadLocalConnections
from stores import pg

Step = tuple[str, tuple[object, ...]]
Rows = list[tuple[Any, ...]]


def _same(statement: str) -> str:
    return statement


@dataclass(frozen=True, slots=True)
class Done:
    """What one step of a change did: the rows it returned (none for a write) and its count."""

    rows: Rows
    count: int


class SqliteRunner:
    """Statements on one SQLite file (WAL), the sync sqlite3 calls run in a thread."""

    def __init__(self, path: Path, dialect: Callable[[str], str] = _same) -> None:
        """Statements on ``path``, each passed through ``dialect`` first."""
        self._conn = ThreadLocalConnections(path).get
        self._dialect = dialect

    async def fetch(self, statement: str, params: tuple[object, ...]) -> Rows:
        """The rows ``statement`` selects."""
        return await asyncio.to_thread(self._read, self._dialect(statement), params)

    async def change(self, steps: list[Step]) -> list[Done]:
        """Run ``steps`` in one transaction; what each one did."""
        return await asyncio.to_thread(self._write, steps)

    def _read(self, statement: str, params: tuple[object, ...]) -> Rows:
        return list(self._conn().execute(statement, params).fetchall())

    def _write(self, steps: list[Step]) -> list[Done]:
        done: list[Done] = []
        with self._conn() as conn:  # one transaction, committed on leaving
            for statement, params in steps:
                cursor = conn.execute(self._dialect(statement), params)
                done.append(Done(list(cursor.fetchall()), cursor.rowcount))
        return done


class PostgresRunner:
    """Statements on a PostgreSQL database, through the process's pool (or ``pool``)."""

    def __init__(
        self, url: str, dialect: Callable[[str], str], pool: AsyncConnectionPool | None = None
    ) -> None:
        """Statements on the database at ``url``, each passed through ``dialect`` first."""
        self._url, self._dialect, self._pool = url, dialect, pool

    async def fetch(self, statement: str, params: tuple[object, ...]) -> Rows:
        """The rows ``statement`` selects."""
        async with pg.connect(self._url, self._pool) as conn:
            cursor = await conn.execute(self._dialect(statement), params)
            return list(await cursor.fetchall())

    async def change(self, steps: list[Step]) -> list[Done]:
        """Run ``steps`` in one transaction; what each one did."""
        done: list[Done] = []
        async with pg.connect(self._url, self._pool) as conn, conn.transaction():
            for statement, params in steps:
                cursor = await conn.execute(self._dialect(statement), params)
                rows = list(await cursor.fetchall()) if cursor.description else []
                done.append(Done(rows, cursor.rowcount))
        return done


Runner = SqliteRunner | PostgresRunner
