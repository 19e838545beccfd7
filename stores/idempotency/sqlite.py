"""Idempotency rows in the API's SQLite file (``<run>/api.db``, WAL), sync sqlite3 in a thread.

``BEGIN IMMEDIATE`` takes the file's write lock before the read, so two API processes on this
host claiming one key are serialized: the second sees the first's row.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from infra.sqlite_local import ThreadLocalConnections
from stores.idempotency.protocol import Judge
from stores.idempotency.rules import DONE, IN_FLIGHT, RELEASED, Claimed, Lease, Outcome, Row

_SELECT = (
    "SELECT fingerprint, state, status, body, claimed_at, owner, owner_host, owner_pid,"
    " lease_until FROM idempotency WHERE merchant_id = ? AND key = ?"
)
_INSERT = (
    "INSERT INTO idempotency (merchant_id, key, fingerprint, state, created_at, claimed_at,"
    " owner, owner_host, owner_pid, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_TAKE = (
    "UPDATE idempotency SET state = ?, claimed_at = ?, owner = ?, owner_host = ?,"
    " owner_pid = ?, lease_until = ? WHERE merchant_id = ? AND key = ?"
)
# Renew, finish and release change the row only while the caller still owns the claim.
_RENEW = (
    "UPDATE idempotency SET lease_until = ?"
    " WHERE merchant_id = ? AND key = ? AND owner = ? AND state = ?"
)
_FINISH = (
    "UPDATE idempotency SET state = ?, status = ?, body = ?"
    " WHERE merchant_id = ? AND key = ? AND owner = ? AND state = ?"
)
_RELEASE = (
    "UPDATE idempotency SET state = ? WHERE merchant_id = ? AND key = ? AND owner = ? AND state = ?"
)


class SqliteKeyRows:
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
            conn.execute(_TAKE, (IN_FLIGHT, lease.now, *holder, merchant_id, key))
            return Claimed(lease.owner)
        finally:
            conn.execute("COMMIT")

    async def renew(self, merchant_id: str, key: str, owner: str, until: float) -> None:
        """See ``KeyRows.renew``."""
        await self._write(_RENEW, (until, merchant_id, key, owner, IN_FLIGHT))

    async def finish(
        self, merchant_id: str, key: str, owner: str, status: int, body: bytes
    ) -> None:
        """See ``KeyRows.finish``."""
        await self._write(_FINISH, (DONE, status, body, merchant_id, key, owner, IN_FLIGHT))

    async def release(self, merchant_id: str, key: str, owner: str) -> None:
        """See ``KeyRows.release``."""
        await self._write(_RELEASE, (RELEASED, merchant_id, key, owner, IN_FLIGHT))

    async def purge(self, before: float) -> None:
        """See ``KeyRows.purge``."""
        sql = "DELETE FROM idempotency WHERE created_at < ? AND state != ?"
        await self._write(sql, (before, IN_FLIGHT))

    async def _write(self, sql: str, values: tuple[object, ...]) -> None:
        await asyncio.to_thread(self._execute, sql, values)

    def _execute(self, sql: str, values: tuple[object, ...]) -> None:
        self._conn().execute(sql, values)
