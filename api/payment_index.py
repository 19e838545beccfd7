"""Each merchant's payments in creation order, in the API's own store (``<run>/api.db``).

Temporal's SQL visibility (SQLite, MySQL, PostgreSQL) refuses ``ORDER BY`` and sorts open runs
before closed ones by close time, so its pages shift as payments close. The API therefore keeps
this index: one row per payment it created, written before the workflow starts, at the time
the API first accepted it. Pages are keyset ranges over ``(created_us, payment_id)``, newest
first, so a cursor always means "older than this payment" and never shifts.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from api.errors import InvalidRequest
from infra.sqlite_local import ThreadLocalConnections

_SCHEMA = """
CREATE TABLE IF NOT EXISTS payment_index (
    merchant_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    PRIMARY KEY (merchant_id, payment_id)
);
CREATE INDEX IF NOT EXISTS payment_index_newest
    ON payment_index (merchant_id, created_us DESC, payment_id DESC);
"""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Indexed:
    """One payment as the API created it."""

    payment_id: str
    created_us: int
    amount: int
    currency: str

    @property
    def created_at(self) -> datetime:
        """Exact (integer microseconds), so the list and the workflow show the same instant."""
        return _EPOCH + timedelta(microseconds=self.created_us)


Position = tuple[int, str]
"""``(created_us, payment_id)`` of the last payment a page showed."""


def encode_cursor(position: Position) -> str:
    """An opaque ``next_page`` token for ``position``."""
    raw = json.dumps([position[0], position[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(page: str) -> Position:
    """The position a ``next_page`` token stands for.

    Raises:
        InvalidRequest: ``page`` is not a token this API made (400 ``parameter_invalid``).
    """
    try:
        raw = base64.urlsafe_b64decode(page.encode("ascii") + b"=" * (-len(page) % 4))
        created_us, payment_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeError):
        created_us = payment_id = None
    if type(created_us) is not int or not isinstance(payment_id, str) or created_us < 0:
        raise InvalidRequest(
            "page is not a cursor from next_page", code="parameter_invalid", param="page"
        )
    return created_us, payment_id


class PaymentIndex:
    """Per-merchant payment ids by creation time; safe across threads and API processes."""

    def __init__(self, db_path: Path) -> None:
        """Open (and create) the index in the idempotency store's database file."""
        self._conn = ThreadLocalConnections(db_path, autocommit=True).get
        self._conn().executescript(_SCHEMA)

    def accept(
        self, merchant_id: str, payment_id: str, now: datetime, amount: int, currency: str
    ) -> datetime:
        """Record the payment at ``now`` unless already recorded; return its creation time.

        A retry of the same create (same key, so same payment id) keeps the first time.
        """
        created_us = (now - _EPOCH) // timedelta(microseconds=1)
        conn = self._conn()
        conn.execute(
            "INSERT OR IGNORE INTO payment_index VALUES (?, ?, ?, ?, ?)",
            (merchant_id, payment_id, created_us, amount, currency),
        )
        row = conn.execute(
            "SELECT created_us FROM payment_index WHERE merchant_id = ? AND payment_id = ?",
            (merchant_id, payment_id),
        ).fetchone()
        return _EPOCH + timedelta(microseconds=int(row[0]))

    def older(self, merchant_id: str, after: Position | None, count: int) -> list[Indexed]:
        """Up to ``count`` payments older than ``after`` (all when None), newest first."""
        created_us, payment_id = after if after is not None else (2**62, "")
        rows = (
            self._conn()
            .execute(
                "SELECT payment_id, created_us, amount, currency FROM payment_index"
                " WHERE merchant_id = ? AND (created_us < ? OR (created_us = ? AND payment_id < ?))"
                " ORDER BY created_us DESC, payment_id DESC LIMIT ?",
                (merchant_id, created_us, created_us, payment_id, count),
            )
            .fetchall()
        )
        return [Indexed(str(p), int(c), int(a), str(cur)) for p, c, a, cur in rows]
