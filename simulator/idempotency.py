"""Exactly-once execution of mutating requests (Stripe-style idempotency keys).

The stored response, the effect and the request log entry are written in one
BEGIN IMMEDIATE transaction, so concurrent identical requests serialize on SQLite's write
lock and the losers find the winner's stored response.
"""

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from simulator.db import Database, iso, utc_now
from simulator.errors import ErrorCode, ErrorType, SimError, UnstoredError, invalid
from simulator.holds import OpContext

MAX_KEY_LENGTH = 255

# Runs inside the transaction; returns the success status and body or raises SimError.
LedgerOp = Callable[[sqlite3.Connection, OpContext], tuple[int, BaseModel]]
Touch = Callable[[sqlite3.Connection, OpContext], None]


@dataclass(frozen=True)
class Call:
    """One received mutating request."""

    key: str
    method: str
    path: str
    operation: str
    payment_id: str | None
    step: str | None


@dataclass(frozen=True)
class Outcome:
    """The response to send."""

    status: int
    body: bytes
    replayed: bool = False


def check_key(value: str | None) -> str:
    """Return a valid Idempotency-Key header value or raise a 400."""
    if value is None:
        raise invalid(ErrorCode.IDEMPOTENCY_KEY_MISSING, "The Idempotency-Key header is required.")
    if not 1 <= len(value) <= MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in value):
        raise invalid(
            ErrorCode.IDEMPOTENCY_KEY_INVALID,
            "The Idempotency-Key header must be 1-255 printable ASCII characters.",
        )
    return value


def request_hash(salt: bytes, call: Call, body: object) -> str:
    """Fingerprint method, path and canonical JSON body.

    Keyed with the database salt because the body may hold a card number, and a plain
    SHA-256 of a card number can be reversed by brute force.
    """
    canonical = json.dumps([call.method, call.path, body], sort_keys=True, separators=(",", ":"))
    return hmac.new(salt, canonical.encode(), hashlib.sha256).hexdigest()


def log_request(conn: sqlite3.Connection, call: Call, outcome: str, status: int) -> None:
    """Append to the request log (every attempt, whatever its fate)."""
    conn.execute(
        "INSERT INTO request_log (idempotency_key, operation, payment_id, step, outcome,"
        " status_code, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (call.key or None, call.operation, call.payment_id, call.step, outcome, status,
         iso(utc_now())),
    )  # fmt: skip


def log_only(db: Database, call: Call, outcome: str, status: int) -> None:
    """Log a request that was answered before reaching the ledger."""
    with db.write() as conn:
        log_request(conn, call, outcome, status)


def _replay(conn: sqlite3.Connection, call: Call, digest: str) -> Outcome | None:
    row = conn.execute(
        "SELECT request_hash, status_code, body FROM idempotency_keys WHERE key = ?", (call.key,)
    ).fetchone()
    if row is None:
        return None
    if not hmac.compare_digest(row["request_hash"], digest):
        err = SimError(
            422, ErrorType.IDEMPOTENCY_ERROR, ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was already used with a different request.",
        )  # fmt: skip
        log_request(conn, call, "key_reused", err.status)
        return Outcome(err.status, err.body())
    log_request(conn, call, "replayed", row["status_code"])
    return Outcome(row["status_code"], row["body"].encode(), replayed=True)


def _next_attempt(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute(
        "INSERT INTO key_attempts (key, count) VALUES (?, 1)"
        " ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count",
        (key,),
    ).fetchone()
    return int(row[0])


def _store(conn: sqlite3.Connection, call: Call, digest: str, status: int, body: bytes) -> None:
    conn.execute(
        "INSERT INTO idempotency_keys (key, request_hash, method, path, status_code, body,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (call.key, digest, call.method, call.path, status, body.decode(), iso(utc_now())),
    )


def execute(db: Database, call: Call, digest: str, op: LedgerOp, touch: Touch | None) -> Outcome:
    """Replay the stored response for this key, or run ``op`` and store its response.

    ``touch`` runs before the savepoint so its work (lazy hold expiry) is kept even when
    the operation itself is refused.
    """
    with db.write() as conn:
        replay = _replay(conn, call, digest)
        if replay is not None:
            return replay
        ctx = OpContext(call.key, _next_attempt(conn, call.key), utc_now())
        if touch is not None:
            touch(conn, ctx)
        conn.execute("SAVEPOINT op")
        store, label = True, "applied"
        try:
            status, model = op(conn, ctx)
            body = model.model_dump_json().encode()
        except SimError as err:
            conn.execute("ROLLBACK TO op")
            status, body = err.status, err.body()
            store, label = not isinstance(err, UnstoredError), f"error:{err.detail.code}"
        conn.execute("RELEASE op")
        if store:
            _store(conn, call, digest, status, body)
        log_request(conn, call, label, status)
    return Outcome(status, body)
