"""The ``backend`` fixture: each store test runs on SQLite and on a real PostgreSQL.

Import ``backend_fixture`` into a test file together with ``pg_cluster`` and ``pg_url`` (pytest
looks for fixtures there); the cluster starts only when a PostgreSQL case runs.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from stores import pg
from stores.database import Database
from stores.idempotency.postgres import PostgresKeyRows
from stores.idempotency.protocol import KeyRows
from stores.idempotency.sqlite import SqliteKeyRows
from stores.payment_index.postgres import PostgresIndexRows
from stores.payment_index.protocol import IndexRows
from stores.payment_index.sqlite import SqliteIndexRows
from tests.pg_support import pg_cluster, pg_url  # noqa: F401 - fixtures

BACKENDS = ["sqlite", "postgres"]


@dataclass
class Backend:
    """One backend's database, direct SQL for arranging rows, and extra "hosts" on it."""

    name: str
    db: Database
    pools: list[AsyncConnectionPool] = field(default_factory=list)

    async def execute(self, statement: str, *args: object) -> None:
        """Run ``statement`` (``?`` placeholders) outside the stores, to arrange a case."""
        if self.db.url is None:
            with sqlite3.connect(self.db.sqlite_file("api")) as conn:
                conn.execute(statement, args)
            return
        async with await psycopg.AsyncConnection.connect(self.db.url, autocommit=True) as conn:
            await conn.execute(re.sub(r"\?", "%s", statement), args)  # type: ignore[arg-type]

    async def _host_pool(self) -> AsyncConnectionPool:
        assert self.db.url is not None
        found = AsyncConnectionPool(
            self.db.url, min_size=1, max_size=2, open=False, kwargs={"autocommit": True}
        )
        await found.open(wait=True, timeout=10)
        self.pools.append(found)
        return found

    async def key_rows(self) -> KeyRows:
        """Idempotency rows as another host sees them: its own pool or its own connections."""
        if self.db.url is None:
            return SqliteKeyRows(self.db.sqlite_file("api"))
        return PostgresKeyRows(self.db.url, pool=await self._host_pool())

    async def index_rows(self) -> IndexRows:
        """Payment index rows as another host sees them."""
        if self.db.url is None:
            return SqliteIndexRows(self.db.sqlite_file("api"))
        return PostgresIndexRows(self.db.url, pool=await self._host_pool())


@pytest.fixture(name="backend", params=BACKENDS)
async def backend_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """An empty database of each backend (the API area's SQLite file, or a fresh PostgreSQL)."""
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    found = Backend(request.param, Database({"api": tmp_path / "api.db"}, url))
    yield found
    for each in found.pools:
        await each.close()
    await pg.close_all()
