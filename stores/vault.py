"""A card vault: card numbers encrypted at rest under their own key, handed out as ``pm_`` tokens.

The CVC is never given to the vault. Workflows and activity inputs carry only the token and
display facts; the authorize and balance activities resolve the token just before calling the
processor.

A token belongs to the merchant it was created for: ``resolve`` takes the merchant and answers
"unknown token" for anyone else, so another merchant cannot even learn that it exists. The owner
is also sealed into the encryption's associated data, so editing the column breaks the row
instead of handing the card to someone else. Rows from before owners existed (``merchant_id``
NULL) are resolvable only where the caller allows it (payments already running at upgrade).
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from infra.keyring import Keyring
from infra.sealing import SealError, seal, unseal
from infra.sqlite_local import ThreadLocalConnections
from payments.cards import brand_of

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    token TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL CHECK (length(last4) = 4),
    exp_month INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    merchant_id TEXT
)
"""
# Vaults created before tokens had owners lack the column; their rows keep NULL (no owner).
_MIGRATE = "ALTER TABLE cards ADD COLUMN merchant_id TEXT"
_AAD = b"temporal-payments/vault/v1:"
_AAD_OWNED = b"temporal-payments/vault/v2:"
_CACHE_SECONDS = 60.0
_CACHE_SIZE = 4096


class VaultError(Exception):
    """A token is unknown or its card cannot be decrypted."""


@dataclass(frozen=True, slots=True)
class StoredCard:
    """A card as the vault returns it to the processor-facing code."""

    number: str
    exp_month: int
    exp_year: int

    def __repr__(self) -> str:
        return f"StoredCard(last4={self.number[-4:]!r})"


@dataclass(frozen=True, slots=True)
class TokenizedCard:
    """A new token and the facts that may be shown."""

    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


def _aad(token: str, owner: str | None) -> bytes:
    """Associated data: the token, and the owner for rows that have one."""
    if owner is None:
        return _AAD + token.encode()
    return _AAD_OWNED + token.encode() + b"|" + owner.encode()


class CardVault:
    """Card numbers in SQLite, AES-256-GCM encrypted with the vault keyring's active key."""

    def __init__(self, db_path: Path, keyring: Keyring) -> None:
        """Open (and create or migrate if needed) the vault at ``db_path``."""
        self._keyring = keyring
        self._conn = ThreadLocalConnections(db_path).get
        self._cache: dict[str, tuple[StoredCard, str | None, float]] = {}
        with self._conn() as conn:
            conn.execute(_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(cards)")}
            if "merchant_id" not in columns:
                try:
                    conn.execute(_MIGRATE)
                except sqlite3.OperationalError as exc:
                    # Another process opening the same vault migrated it first.
                    if "duplicate column" not in str(exc):
                        raise

    def tokenize(
        self, number: str, exp_month: int, exp_year: int, *, merchant_id: str
    ) -> TokenizedCard:
        """Store a validated card number for ``merchant_id`` and return a fresh token."""
        token = f"pm_{secrets.token_hex(12)}"
        key_id, sealed = seal(self._keyring, _aad(token, merchant_id), number.encode())
        card = TokenizedCard(token, brand_of(number), number[-4:], exp_month, exp_year)
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO cards (token, key_id, sealed, brand, last4, exp_month, exp_year,"
                " created_at, merchant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    token,
                    key_id,
                    sealed,
                    card.brand,
                    card.last4,
                    exp_month,
                    exp_year,
                    datetime.now(UTC).isoformat(),
                    merchant_id,
                ),
            )
        return card

    def resolve(self, token: str, merchant_id: str, *, allow_unowned: bool = False) -> StoredCard:
        """Decrypt the card behind ``token`` if it belongs to ``merchant_id``.

        Kept in memory for a minute, never on disk: the balance check and the authorization of
        one payment ask within milliseconds of each other.

        Args:
            token: The ``pm_`` id.
            merchant_id: Who asks; another merchant's token is "unknown", like a made-up one.
            allow_unowned: Also accept rows from before tokens had owners (only the worker,
                so payments started before the upgrade can finish; the API never does).

        Raises:
            VaultError: If the token is unknown or not this merchant's, its key is gone, or the
                row was tampered with.
        """
        card, owner = self._cached(token)
        if owner != merchant_id and not (owner is None and allow_unowned):
            raise VaultError("unknown card token")
        return card

    def resolve_any_owner(self, token: str) -> StoredCard:
        """Decrypt the card behind ``token`` whoever owns it.

        Only for the balance check, whose recorded activity input names no merchant (adding one
        would change workflow histories); money moves only after ``resolve`` with the owner.

        Raises:
            VaultError: As ``resolve``.
        """
        return self._cached(token)[0]

    def _cached(self, token: str) -> tuple[StoredCard, str | None]:
        now = time.monotonic()
        hit = self._cache.get(token)
        if hit is not None and hit[2] > now:
            return hit[0], hit[1]
        card, owner = self._load(token)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[token] = (card, owner, now + _CACHE_SECONDS)
        return card, owner

    def _load(self, token: str) -> tuple[StoredCard, str | None]:
        row = (
            self._conn()
            .execute(
                "SELECT key_id, sealed, exp_month, exp_year, merchant_id FROM cards"
                " WHERE token = ?",
                (token,),
            )
            .fetchone()
        )
        if row is None:
            raise VaultError("unknown card token")
        key_id, sealed, exp_month, exp_year, owner = row
        try:
            number = unseal(self._keyring, _aad(token, owner), key_id, sealed).decode()
        except SealError as exc:
            raise VaultError(f"card record cannot be opened: {exc}") from None
        return StoredCard(number, exp_month, exp_year), owner
