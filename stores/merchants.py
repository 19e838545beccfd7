"""Merchants: hashed API keys and webhook endpoints, shared by the API and the workers.

API keys are stored as SHA-256 digests (they are long random tokens, so a plain digest is
enough); webhook secrets are needed in clear to sign, so they are sealed under a keyring.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from infra.keyring import Keyring
from infra.sealing import seal, unseal
from stores import migrate
from stores.database import Database
from stores.merchant_rows import (
    MerchantRows,
    PostgresMerchantRows,
    SealedWebhook,
    SqliteMerchantRows,
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
    """Merchants on ``rows``: keys hashed and webhook secrets sealed here, for every backend."""

    def __init__(self, rows: MerchantRows, keyring: Keyring) -> None:
        """A directory on ``rows`` (see ``open_directory``)."""
        self._keyring = keyring
        self._rows = rows

    async def add_merchant(self, merchant_id: str, api_key: str) -> None:
        """Register (or re-key) a merchant."""
        await self._rows.upsert_merchant(merchant_id, key_digest(api_key), datetime.now(UTC))

    async def merchant_for_key(self, api_key: str) -> str | None:
        """The merchant an API key belongs to, if any."""
        return await self._rows.merchant_by_digest(key_digest(api_key))

    async def set_webhook(self, merchant_id: str, url: str) -> str:
        """Register a webhook endpoint; returns its new signing secret (shown once)."""
        secret = f"whsec_{secrets.token_urlsafe(32)}"
        key_id, sealed = seal(self._keyring, merchant_id.encode(), secret.encode())
        await self._rows.put_webhook(
            merchant_id, SealedWebhook(url, key_id, sealed), datetime.now(UTC)
        )
        return secret

    async def webhook(self, merchant_id: str) -> Webhook | None:
        """The merchant's endpoint and secret, or None if it registered none."""
        hook = await self._rows.webhook(merchant_id)
        if hook is None:
            return None
        secret = unseal(self._keyring, merchant_id.encode(), hook.key_id, hook.sealed).decode()
        return Webhook(url=hook.url, secret=secret)


def directory_on(db: Database, keyring: Keyring) -> MerchantDirectory:
    """The directory in ``db`` as its schema is (callers that applied the migrations already)."""
    if db.url is not None:
        return MerchantDirectory(PostgresMerchantRows(db.url), keyring)
    return MerchantDirectory(SqliteMerchantRows(db.sqlite_file("merchants")), keyring)


async def open_directory(db: Database, keyring: Keyring) -> MerchantDirectory:
    """The directory in ``db``, after applying its pending migrations (in a thread)."""
    await asyncio.to_thread(migrate.apply, db, "merchants")
    return directory_on(db, keyring)
