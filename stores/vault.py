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

import asyncio
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from infra.keyring import Keyring
from infra.sealing import SealError, seal, unseal
from payments.cards import brand_of
from stores import migrate
from stores.database import Database
from stores.vault_rows import PostgresVaultRows, SqliteVaultRows, VaultRow, VaultRows

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
    """Card numbers AES-256-GCM encrypted with the vault keyring's active key, on ``rows``.

    Everything that must hold on every backend (sealing, the owner in the associated data, the
    owner check, the cache) is here; ``rows`` only stores and reads sealed rows.
    """

    def __init__(self, rows: VaultRows, keyring: Keyring) -> None:
        """A vault on ``rows`` (see ``open_vault``)."""
        self._keyring = keyring
        self._rows = rows
        self._cache: dict[str, tuple[StoredCard, str | None, float]] = {}

    async def tokenize(
        self, number: str, exp_month: int, exp_year: int, *, merchant_id: str
    ) -> TokenizedCard:
        """Store a validated card number for ``merchant_id`` and return a fresh token."""
        token = f"pm_{secrets.token_hex(12)}"
        key_id, sealed = seal(self._keyring, _aad(token, merchant_id), number.encode())
        card = TokenizedCard(token, brand_of(number), number[-4:], exp_month, exp_year)
        row = VaultRow(token, key_id, sealed, card.brand, card.last4, exp_month, exp_year,
                       datetime.now(UTC), merchant_id)  # fmt: skip
        await self._rows.insert(row)
        return card

    async def resolve(
        self, token: str, merchant_id: str, *, allow_unowned: bool = False
    ) -> StoredCard:
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
        card, owner = await self._cached(token)
        if owner != merchant_id and not (owner is None and allow_unowned):
            raise VaultError("unknown card token")
        return card

    async def resolve_any_owner(self, token: str) -> StoredCard:
        """Decrypt the card behind ``token`` whoever owns it.

        Only for the balance check, whose recorded activity input names no merchant (adding one
        would change workflow histories); money moves only after ``resolve`` with the owner.

        Raises:
            VaultError: As ``resolve``.
        """
        return (await self._cached(token))[0]

    async def _cached(self, token: str) -> tuple[StoredCard, str | None]:
        hit = self._cache.get(token)
        if hit is not None and hit[2] > time.monotonic():
            return hit[0], hit[1]
        card, owner = await self._load(token)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[token] = (card, owner, time.monotonic() + _CACHE_SECONDS)
        return card, owner

    async def _load(self, token: str) -> tuple[StoredCard, str | None]:
        row = await self._rows.get(token)
        if row is None:
            raise VaultError("unknown card token")
        try:
            number = unseal(self._keyring, _aad(token, row.merchant_id), row.key_id, row.sealed)
        except SealError as exc:
            raise VaultError(f"card record cannot be opened: {exc}") from None
        return StoredCard(number.decode(), row.exp_month, row.exp_year), row.merchant_id


def vault_on(db: Database, keyring: Keyring) -> CardVault:
    """The vault in ``db`` as its schema is (callers that applied the migrations already)."""
    if db.url is not None:
        return CardVault(PostgresVaultRows(db.url), keyring)
    return CardVault(SqliteVaultRows(db.sqlite_file("vault")), keyring)


async def open_vault(db: Database, keyring: Keyring) -> CardVault:
    """The vault in ``db``, after applying its pending migrations (in a thread)."""
    await asyncio.to_thread(migrate.apply, db, "vault")
    return vault_on(db, keyring)
