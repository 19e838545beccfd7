"""Idempotency rows in the API's SQLite file (``<run>/api.db``, WAL), sync sqlite3 in a thread.

``BEGIN IMMEDIATE`` takes the file's write lock before the read, so two API processes on this
host claiming one key are serialized: the second sees the first's row.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from infra.sqlite_local import ThreadLocalConnections
from stores.idempotency.protocol import Judge
from stores.idempotency.rules import IN_FLIGHT, Claimed, Lease, Outcome, Row
from stores.idempotency.writes import TAKE, KeyWrites

_SELECT = (
    "SELECT fingerprint, state, status, body, claimed_at, owner, owner_host, owner_pid,"
    " lease_until FROM idempotency WHERE merchant_id = ? AND key = ?"
)
_INSERT = (
    "INSERT INTO idempotency (merchant_id, key, fingerprint, state, created_at, claimed_at,"
    " owner, owner_host, owner_pid, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class SqliteKeyRows(KeyWrites):
    """``KeyRows`` in one SQLite file, safe across threads and processes of one host."""

    def __init__(self, path: Path) -> None:
        """Rows in ``path`` (migrated by ``stores.migrate``)."""
        self._conn = ThreadLocalConnections(path, autocommit=True).get

    async def claim(
        self, merchant_id: str, key: str, fp: str, lease: Lease, judge: Judge
    ) -> Outcome:
        """See ``KeyRows.claim``."""
        return await asyncio.to_thread(self._claim, merchant_id, key, fp, lease, judge)

    def _claim(self, merchant_id: str, key: str, fp: str, lease: Lease, judge: Judge) -> Outcome:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            found = conn.execute(_SELECT, (merchant_id, key)).fetchone()
            holder = (lease.owner, lease.host, lease.pid, lease.until)
            if found is None:
                values = (merchant_id, key, fp, IN_FLIGHT, lease.now, lease.now, *holder)
                conn.execute(_INSERT, values)
                return Claimed(lease.owner)
            refusal = judge(Row(*found))
            if refusal is not None:
                return refusal
            conn.execute(TAKE, (IN_FLIGHT, lease.now, *holder, merchant_id, key))
            return Claimed(lease.owner)
        finally:
            conn.execute("COMMIT")

    async def _write(self, sql: str, values: tuple[object, ...]) -> None:
        await asyncio.to_thread(self._execute, sql, values)

    def _execute(self, sql: str, values: tuple[object, ...]) -> None:
        self._conn().execute(sql, values)
