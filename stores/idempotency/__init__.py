"""Idempotency keys as Stripe defines them, in SQLite (``<run>/api.db``) or PostgreSQL.

A key is claimed atomically before any work starts. The row keeps a keyed hash of the request
(method, path, canonical body) - never the body, which can hold a card number - and, once the
work is done, the answer's status and body (which never holds one). The states and when a
claim may be taken over are ``rules``'s; a backend (``KeyRows``) only reads and writes rows.

An ``in_flight`` claim names its owner (a random id per claim, the process id and host) and holds
a short lease that the owner renews while it works. A claim is taken over at once if its owner
process is gone (same host, no such process), as soon as its lease lapses otherwise (the owner
was killed elsewhere), and in any case once it is older than the API's request deadline.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time

from stores import api_area
from stores.database import Database, StoreUnavailable
from stores.idempotency.postgres import PostgresKeyRows
from stores.idempotency.protocol import KeyRows
from stores.idempotency.rules import Claimed, InUse, Mismatch, Outcome, Policy, Replay, verdict
from stores.idempotency.rules import fingerprint as keyed_hash
from stores.idempotency.sqlite import SqliteKeyRows

__all__ = ["Claimed", "IdempotencyStore", "InUse", "Mismatch", "Outcome", "Policy", "Replay"]
__all__ += ["idempotency_on", "open_idempotency"]

# A renewal that meets these is retried by the next round (the lease outlives two misses).
_TRANSIENT = (sqlite3.OperationalError, StoreUnavailable)
_PURGE_EVERY = 60.0


class IdempotencyStore:
    """Per-merchant idempotency keys on ``rows``, safe across API processes (and, on
    PostgreSQL, across hosts)."""

    def __init__(self, rows: KeyRows, secret: bytes, policy: Policy) -> None:
        """A store on ``rows``; ``secret`` keys the request fingerprints."""
        self._rows, self._secret, self._policy = rows, secret, policy
        self._next_purge = 0.0

    @property
    def lease_seconds(self) -> float:
        """How long a claim holds without renewal."""
        return self._policy.lease_seconds

    def fingerprint(self, method: str, path: str, canonical_body: bytes) -> str:
        """A keyed hash of the request: comparable, but useless for guessing a card number."""
        return keyed_hash(self._secret, method, path, canonical_body)

    async def claim(self, merchant_id: str, key: str, fingerprint: str) -> Outcome:
        """Claim ``key`` for this request, or say why not."""
        now = time.time()
        await self._purge(now)
        judge = functools.partial(
            verdict,
            fingerprint=fingerprint,
            now=now,
            deadline_seconds=self._policy.deadline_seconds,
        )
        lease = self._policy.new_lease(now)
        return await self._rows.claim(merchant_id, key, fingerprint, lease, judge)

    async def renew(self, merchant_id: str, key: str, owner: str) -> None:
        """Extend ``owner``'s lease (called while its request works); a busy database only
        skips this round."""
        try:
            until = time.time() + self._policy.lease_seconds
            await self._rows.renew(merchant_id, key, owner, until)
        except _TRANSIENT:
            return

    async def finish(
        self, merchant_id: str, key: str, owner: str, status: int, body: bytes
    ) -> None:
        """Save the final answer; every later request with this key replays it.

        Only while ``owner`` holds the key: after a takeover the new owner answers for it.
        """
        await self._rows.finish(merchant_id, key, owner, status, body)

    async def release(self, merchant_id: str, key: str, owner: str) -> None:
        """No final answer: the same request may claim the key again (a different one may not)."""
        await self._rows.release(merchant_id, key, owner)

    async def _purge(self, now: float) -> None:
        # Lazily, at most once a minute per process: keys live at least ``retention_hours``.
        if now < self._next_purge:
            return
        self._next_purge = now + _PURGE_EVERY
        await self._rows.purge(now - self._policy.retention_hours * 3600)


def idempotency_on(db: Database, secret: bytes, policy: Policy) -> IdempotencyStore:
    """The store in ``db`` as its schema is (for callers that applied the migrations)."""
    if db.url is not None:
        return IdempotencyStore(PostgresKeyRows(db.url), secret, policy)
    return IdempotencyStore(SqliteKeyRows(db.sqlite_file("api")), secret, policy)


async def open_idempotency(db: Database, secret: bytes, policy: Policy) -> IdempotencyStore:
    """The store in ``db``, after applying the ``api`` area's pending migrations (in a thread)."""
    await asyncio.to_thread(api_area.prepare, db)
    return idempotency_on(db, secret, policy)
