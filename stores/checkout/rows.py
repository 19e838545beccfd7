"""``SessionRows`` over SQL, once for both backends; a backend only runs statements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from psycopg_pool import AsyncConnectionPool

from stores.checkout import sql
from stores.checkout.protocol import SessionRow
from stores.statements import PostgresRunner, Rows, Runner, SqliteRunner, Step


class _SqlRows:
    """The store's reads and writes, on whichever backend ``runner`` runs."""

    def __init__(self, runner: Runner) -> None:
        """Rows through ``runner``."""
        self._fetch, self._run = runner.fetch, runner.change

    async def _change(self, steps: list[Step]) -> list[Rows]:
        """Run ``steps`` in one transaction; what each one returned (a write: nothing)."""
        return [done.rows for done in await self._run(steps)]

    async def insert(self, row: SessionRow) -> None:
        """See ``SessionRows.insert``."""
        r = row
        values = (r.id, r.merchant_id, r.payment_id, r.amount, r.currency, r.description,
                  r.success_url, r.cancel_url, r.locale, r.csrf_token, r.created_us,
                  r.expires_us, r.started_us, r.completed_us, r.submits)  # fmt: skip
        await self._change([(sql.INSERT, values)])

    async def get(self, session_id: str) -> SessionRow | None:
        """See ``SessionRows.get``."""
        found = await self._fetch(sql.GET, (session_id,))
        return _row(found[0]) if found else None

    async def get_for(self, merchant_id: str, session_id: str) -> SessionRow | None:
        """See ``SessionRows.get_for``."""
        found = await self._fetch(sql.GET_FOR, (session_id, merchant_id))
        return _row(found[0]) if found else None

    async def count_submit(self, session_id: str) -> int:
        """See ``SessionRows.count_submit``."""
        results = await self._change(
            [(sql.COUNT_SUBMIT, (session_id,)), (sql.SUBMITS, (session_id,))]
        )
        return int(results[1][0][0]) if results[1] else 0

    async def start(self, session_id: str, at_us: int) -> None:
        """See ``SessionRows.start``."""
        await self._change([(sql.START, (at_us, session_id))])

    async def complete(self, session_id: str, at_us: int) -> None:
        """See ``SessionRows.complete``."""
        await self._change([(sql.COMPLETE, (at_us, session_id))])


def _row(r: tuple[Any, ...]) -> SessionRow:
    def opt(value: Any) -> int | None:
        return None if value is None else int(value)

    return SessionRow(
        str(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4]), r[5], str(r[6]), str(r[7]),
        r[8], str(r[9]), int(r[10]), int(r[11]), opt(r[12]), opt(r[13]), int(r[14]),
    )  # fmt: skip


class SqliteSessionRows(_SqlRows):
    """Rows in the API's SQLite file (WAL), the sync sqlite3 calls run in a thread."""

    def __init__(self, path: Path) -> None:
        """Rows in ``path`` (migrated by ``stores.migrate``, area ``api``)."""
        super().__init__(SqliteRunner(path))


class PostgresSessionRows(_SqlRows):
    """Rows in PostgreSQL (``checkout_sessions``), through the process's pool."""

    def __init__(self, url: str, *, pool: AsyncConnectionPool | None = None) -> None:
        """Rows in the database at ``url``; ``pool`` instead of the process's shared one."""
        super().__init__(PostgresRunner(url, sql.for_postgres, pool))
