"""Merchants: hashed API keys and webhook endpoints, shared by the API and the workers.

API keys are stored as SHA-256 digests (they are long random tokens, so a plain digest is
enough); webhook secrets are needed in clear to sign, so they are sealed under a keyring.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from infra.keyring import Keyring
from infra.sealing import seal, unseal
from infra.sqlite_local import ThreadLocalConnections

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS merchants (id TEXT PRIMARY KEY, key_sha256 TEXT NOT NULL UNIQUE,"
    " created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS webhooks (merchant_id TEXT PRIMARY KEY REFERENCES merchants(id),"
    " url TEXT NOT NULL, key_id TEXT NOT NULL, sealed BLOB NOT NULL, created_at TEXT NOT NULL)",
)


def key_digest(api_key: str) -> str:
    """How an API key is stored and looked up."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key() -> str:
    """A fresh secret API key."""
    return f"sk_test_{secrets.token_urlsafe(32)}"


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where a merchant's events go and the secret that signs them."""

    url: str
    secret: str

    def __repr__(self) -> str:
        return f"Webhook(url={self.url!r})"


class MerchantDirectory:
    """Merchants in SQLite; safe to share between processes (WAL)."""

    def __init__(self, db_path: Path, keyring: Keyring) -> None:
        """Open (and create) the directory at ``db_path``."""
        self._keyring = keyring
        self._conn = ThreadLocalConnections(db_path).get
        with self._conn() as conn:
            for statement in _SCHEMA:
                conn.execute(statement)

    def add_merchant(self, merchant_id: str, api_key: str) -> None:
        """Register (or re-key) a merchant."""
        now = datetime.now(UTC).isoformat()
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO merchants VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE"
                " SET key_sha256 = excluded.key_sha256",
                (merchant_id, key_digest(api_key), now),
            )

    def merchant_for_key(self, api_key: str) -> str | None:
        """The merchant an API key belongs to, if any."""
        row = (
            self._conn()
            .execute("SELECT id FROM merchants WHERE key_sha256 = ?", (key_digest(api_key),))
            .fetchone()
        )
        return str(row[0]) if row else None

    def set_webhook(self, merchant_id: str, url: str) -> str:
        """Register a webhook endpoint; returns its new signing secret (shown once)."""
        secret = f"whsec_{secrets.token_urlsafe(32)}"
        key_id, sealed = seal(self._keyring, merchant_id.encode(), secret.encode())
        now = datetime.now(UTC).isoformat()
        with self._conn() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO webhooks VALUES (?, ?, ?, ?, ?)",
                (merchant_id, url, key_id, sealed, now),
            )
        return secret

    def webhook(self, merchant_id: str) -> Webhook | None:
        """The merchant's endpoint and secret, or None if it registered none."""
        row = (
            self._conn()
            .execute(
                "SELECT url, key_id, sealed FROM webhooks WHERE merchant_id = ?", (merchant_id,)
            )
            .fetchone()
        )
        if row is None:
            return None
        url, key_id, sealed = row
        secret = unseal(self._keyring, merchant_id.encode(), key_id, sealed).decode()
        return Webhook(url=url, secret=secret)
