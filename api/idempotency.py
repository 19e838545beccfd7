"""Idempotency keys as Stripe defines them, in SQLite (``<run>/api.db``).

A key is claimed atomically (the primary key decides) before any work starts. The row keeps a
keyed hash of the request (method, path, canonical body) - never the body, which can hold a card
number - and, once the work is done, the answer's status and body (which never holds one).

States: ``in_flight`` while a request works; ``done`` with the saved answer; ``released`` when
the answer was not final (503, or 202 ``processing``): the same request may then claim the key
again, and because payment, capture and refund ids derive from the key, the retry attaches to
the same operation in Temporal instead of repeating it.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from payments.sqlite_local import ThreadLocalConnections

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
    PRIMARY KEY (merchant_id, key)
)
"""


@dataclass(frozen=True, slots=True)
class Claimed:
    """This request owns the key; it must ``finish`` or ``release`` it."""


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
        self, db_path: Path, secret: bytes, *, lock_seconds: float, retention_hours: float
    ) -> None:
        """Open (and create) the store; ``secret`` keys the request fingerprints."""
        self._path, self._secret = db_path, secret
        self._lock_seconds = lock_seconds
        self._retention = retention_hours * 3600
        self._conn = ThreadLocalConnections(db_path, autocommit=True).get
        self._next_purge = 0.0
        with self._conn() as conn:
            conn.execute(_SCHEMA)
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
            "SELECT fingerprint, state, status, body, claimed_at FROM idempotency"
            " WHERE merchant_id = ? AND key = ?",
            (merchant_id, key),
        ).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO idempotency VALUES (?, ?, ?, 'in_flight', NULL, NULL, ?, ?)",
                (merchant_id, key, fingerprint, now, now),
            )
            return Claimed()
        stored, state, status, body, claimed_at = row
        if not hmac.compare_digest(stored, fingerprint):
            return Mismatch()
        if state == "done":
            return Replay(int(status), bytes(body))
        if state == "in_flight" and now - claimed_at < self._lock_seconds:
            return InUse()
        # Released, or in flight in an API process that died: this request takes it over.
        conn.execute(
            "UPDATE idempotency SET state = 'in_flight', claimed_at = ?"
            " WHERE merchant_id = ? AND key = ?",
            (now, merchant_id, key),
        )
        return Claimed()

    def finish(self, merchant_id: str, key: str, status: int, body: bytes) -> None:
        """Save the final answer; every later request with this key replays it."""
        self._conn().execute(
            "UPDATE idempotency SET state = 'done', status = ?, body = ?"
            " WHERE merchant_id = ? AND key = ?",
            (status, body, merchant_id, key),
        )

    def release(self, merchant_id: str, key: str) -> None:
        """No final answer: the same request may claim the key again (a different one may not)."""
        self._conn().execute(
            "UPDATE idempotency SET state = 'released' WHERE merchant_id = ? AND key = ?",
            (merchant_id, key),
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
