"""The idempotency table's statements both backends share, and the writes built on them.

Written once with ``?`` placeholders; the PostgreSQL rows translate them. Only the claim differs
by backend (how the row is locked), so it stays in ``sqlite.py`` and ``postgres.py``.
"""

from __future__ import annotations

from stores.idempotency.rules import DONE, IN_FLIGHT, RELEASED

TAKE = (
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
_PURGE = "DELETE FROM idempotency WHERE created_at < ? AND state <> ?"


def for_postgres(statement: str) -> str:
    """``statement`` with psycopg's placeholders."""
    return statement.replace("?", "%s")


class KeyWrites:
    """``KeyRows``' renew, finish, release and purge, over a backend's ``_write``."""

    async def _write(self, statement: str, values: tuple[object, ...]) -> None:
        raise NotImplementedError

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
        await self._write(_PURGE, (before, IN_FLIGHT))
