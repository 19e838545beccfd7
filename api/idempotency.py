"""Idempotency keys as Stripe defines them, in SQLite (``<run>/api.db``).

A key is claimed atomically (the primary key decides) before any work starts. The row keeps a
keyed hash of the request (method, path, canonical body) - never the body, which can hold a card
number - and, once the work is done, the answer's status and body (which never holds one).

States: ``in_flight`` while a request works; ``done`` with the saved answer; ``released`` when
the answer was not final (503, or 202 ``processing``): the same request may then claim the key
again, and because payment, capture and refund ids derive from the key, the retry attaches to
the same operation in Temporal instead of repeating it.

An ``in_flight`` claim names its owner (a random id per claim, the process id and host) and holds
a short lease that the owner renews while it works. A claim is taken over at once if its owner
process is gone (same host, no such process), as soon as its lease lapses otherwise (the owner
was killed elsewhere), and in any case once it is older than the API's request deadline.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from api import leases
from infra.sqlite_local import ThreadLocalConnections

_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency (
    merchant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_flight', 'done', 'released')),
    status INTEGER,
    body BLOB,
    created_at REAL NOT NULL,
    claimed_at REAL NOT NULL,
    owner TEXT,
    owner_host TEXT,
    owner_pid INTEGER,
    lease_until REAL,
    PRIMARY KEY (merchant_id, key)
)
"""
# Added after the first release: api.db files made before gain them when the store opens.
_LEASE_COLUMNS = {
    "owner": "TEXT",
    "owner_host": "TEXT",
    "owner_pid": "INTEGER",
    "lease_until": "REAL",
}


@dataclass(frozen=True, slots=True)
class Claimed:
    """This request owns the key as ``owner``; it must ``renew``, then ``finish`` or ``release``."""

    owner: str


@dataclass(frozen=True, slots=True)
class Replay:
    """The key was used for this same request; answer with what was saved."""

    status: int
    body: bytes


@dataclass(frozen=True, slots=True)
class InUse:
    """Another request with this key is still working."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The key was used for a different request."""


Outcome = Claimed | Replay | InUse | Mismatch


class IdempotencyStore:
    """Per-merchant idempotency keys; safe across threads and API processes (WAL)."""

    def __init__(
        self,
        db_path: Path,
        secret: bytes,
        *,
        lease_seconds: float,
        deadline_seconds: float,
        retention_hours: float,
    ) -> None:
        """Open (and create or migrate) the store; ``secret`` keys the request fingerprints.

        ``lease_seconds`` is how long a claim holds without renewal; ``deadline_seconds`` the
        longest any request works, after which its claim is stale even if renewed.
        """
        self._path, self._secret = db_path, secret
        self.lease_seconds = lease_seconds
        self._deadline = deadline_seconds
        self._retention = retention_hours * 3600
        self._conn = ThreadLocalConnections(db_path, autocommit=True).get
        self._next_purge = 0.0
        with self._conn() as conn:
            conn.execute(_SCHEMA)
            have = {row[1] for row in conn.execute("PRAGMA table_info(idempotency)")}
            for name, kind in _LEASE_COLUMNS.items():
                if name not in have:
                    conn.execute(f"ALTER TABLE idempotency ADD COLUMN {name} {kind}")
        db_path.chmod(0o600)

    def fingerprint(self, method: str, path: str, canonical_body: bytes) -> str:
        """A keyed hash of the request: comparable, but useless for guessing a card number."""
        message = method.encode() + b"\n" + path.encode() + b"\n" + canonical_body
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def claim(self, merchant_id: str, key: str, fingerprint: str) -> Outcome:
        """Claim ``key`` for this request, or say why not."""
        now = time.time()
        conn = self._conn()
        self._purge(conn, now)
        conn.execute("BEGIN IMMEDIATE")
        try:
            return self._claim(conn, merchant_id, key, fingerprint, now)
        finally:
            conn.execute("COMMIT")

    def _claim(
        self, conn: sqlite3.Connection, merchant_id: str, key: str, fingerprint: str, now: float
    ) -> Outcome:
        row = conn.execute(
            "SELECT fingerprint, state, status, body, claimed_at, owner, owner_host, owner_pid,"
            " lease_until FROM idempotency WHERE merchant_id = ? AND key = ?",
            (merchant_id, key),
        ).fetchone()
        owner, host, pid = leases.new_owner()
        lease = (owner, host, pid, now + self.lease_seconds)
        if row is None:
            conn.execute(
                "INSERT INTO idempotency (merchant_id, key, fingerprint, state, created_at,"
                " claimed_at, owner, owner_host, owner_pid, lease_until)"
                " VALUES (?, ?, ?, 'in_flight', ?, ?, ?, ?, ?, ?)",
                (merchant_id, key, fingerprint, now, now, *lease),
            )
            return Claimed(owner)
        stored, state, status, body, claimed_at, *holder = row
        if not hmac.compare_digest(stored, fingerprint):
            return Mismatch()
        if state == "done":
            return Replay(int(status), bytes(body))
        if state == "in_flight" and leases.held(now - claimed_at < self._deadline, now, *holder):
            return InUse()
        # Released, or its owner is gone: this request takes it over.
        conn.execute(
            "UPDATE idempotency SET state = 'in_flight', claimed_at = ?, owner = ?,"
            " owner_host = ?, owner_pid = ?, lease_until = ? WHERE merchant_id = ? AND key = ?",
            (now, *lease, merchant_id, key),
        )
        return Claimed(owner)

    def renew(self, merchant_id: str, key: str, owner: str) -> None:
        """Extend ``owner``'s lease (called while its request works)."""
        self._conn().execute(
            "UPDATE idempotency SET lease_until = ? WHERE merchant_id = ? AND key = ?"
            " AND owner = ? AND state = 'in_flight'",
            (time.time() + self.lease_seconds, merchant_id, key, owner),
        )

    def finish(self, merchant_id: str, key: str, owner: str, status: int, body: bytes) -> None:
        """Save the final answer; every later request with this key replays it.

        Only while ``owner`` holds the key: after a takeover the new owner answers for it.
        """
        self._conn().execute(
            "UPDATE idempotency SET state = 'done', status = ?, body = ?"
            " WHERE merchant_id = ? AND key = ? AND owner = ? AND state = 'in_flight'",
            (status, body, merchant_id, key, owner),
        )

    def release(self, merchant_id: str, key: str, owner: str) -> None:
        """No final answer: the same request may claim the key again (a different one may not)."""
        self._conn().execute(
            "UPDATE idempotency SET state = 'released'"
            " WHERE merchant_id = ? AND key = ? AND owner = ? AND state = 'in_flight'",
            (merchant_id, key, owner),
        )

    def _purge(self, conn: sqlite3.Connection, now: float) -> None:
        # Lazily, at most once a minute: keys live at least ``retention_hours`` (>= 24).
        if now < self._next_purge:
            return
        self._next_purge = now + 60
        conn.execute(
            "DELETE FROM idempotency WHERE created_at < ? AND state != 'in_flight'",
            (now - self._retention,),
        )
