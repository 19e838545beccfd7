"""A card vault: card numbers encrypted at rest under their own key, handed out as ``pm_`` tokens.

The CVC is never given to the vault. Workflows and activity inputs carry only the token and
display facts; the authorize and balance activities resolve the token just before calling the
processor.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from payments.cards import brand_of
from payments.keyring import Keyring
from payments.sealing import SealError, seal, unseal
from payments.sqlite_local import ThreadLocalConnections

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    token TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL CHECK (length(last4) = 4),
    exp_month INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year INTEGER NOT NULL,
    created_at TEXT NOT NULL
)
"""
_AAD = b"temporal-payments/vault/v1:"
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


class CardVault:
    """Card numbers in SQLite, AES-256-GCM encrypted with the vault keyring's active key."""

    def __init__(self, db_path: Path, keyring: Keyring) -> None:
        """Open (and create if needed) the vault at ``db_path``."""
        self._keyring = keyring
        self._conn = ThreadLocalConnections(db_path).get
        self._cache: dict[str, tuple[StoredCard, float]] = {}
        with self._conn() as conn:
            conn.execute(_SCHEMA)

    def tokenize(self, number: str, exp_month: int, exp_year: int) -> TokenizedCard:
        """Store a validated card number and return a fresh token."""
        token = f"pm_{secrets.token_hex(12)}"
        key_id, sealed = seal(self._keyring, _AAD + token.encode(), number.encode())
        card = TokenizedCard(token, brand_of(number), number[-4:], exp_month, exp_year)
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    token,
                    key_id,
                    sealed,
                    card.brand,
                    card.last4,
                    exp_month,
                    exp_year,
                    datetime.now(UTC).isoformat(),
                ),
            )
        return card

    def resolve(self, token: str) -> StoredCard:
        """Decrypt the card behind ``token`` (kept in memory for a minute, never on disk).

        The balance check and the authorization of one payment ask within milliseconds of each
        other; the short cache saves the second database read and decryption.

        Raises:
            VaultError: If the token is unknown, its key is gone, or the row was tampered with.
        """
        now = time.monotonic()
        hit = self._cache.get(token)
        if hit is not None and hit[1] > now:
            return hit[0]
        card = self._load(token)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[token] = (card, now + _CACHE_SECONDS)
        return card

    def _load(self, token: str) -> StoredCard:
        row = (
            self._conn()
            .execute(
                "SELECT key_id, sealed, exp_month, exp_year FROM cards WHERE token = ?", (token,)
            )
            .fetchone()
        )
        if row is None:
            raise VaultError("unknown card token")
        key_id, sealed, exp_month, exp_year = row
        try:
            number = unseal(self._keyring, _AAD + token.encode(), key_id, sealed).decode()
        except SealError as exc:
            raise VaultError(f"card record cannot be opened: {exc}") from None
        return StoredCard(number, exp_month, exp_year)
