"""Card tokenization over resources the caller holds: one vault, one processor HTTP session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp

from infra.keyring import load_keyring
from infra.settings import ProcessorEndpoint, Settings
from payments.cards import RawCard
from payments.models import CardFacts
from payments.processor import ProcessorClient, ProcessorFailure, processor_session
from payments.tokenize import tokenize
from stores.vault import CardVault


@dataclass(frozen=True)
class CardTokenizer:
    """Validates, CVC-checks (at the first processor that answers) and vaults cards.

    Built once per process (the API's lifespan, a CLI command, a bench run), so no request
    re-reads the keyring, reopens the vault or opens a new HTTP session.
    """

    vault: CardVault
    endpoints: tuple[ProcessorEndpoint, ...]
    """In failover order (priority)."""
    http: aiohttp.ClientSession

    async def tokenize(self, raw: RawCard, *, merchant_id: str) -> CardFacts:
        """A vault token only ``merchant_id`` can pay with, and the card's display facts.

        Raises:
            payments.cards.CardInvalid: For a malformed card, before any network call.
            payments.tokenize.CardRefused: If the processor refuses the card.
            ProcessorFailure: If no processor answered.
        """
        today = datetime.now(UTC).date()
        for i, endpoint in enumerate(self.endpoints):
            processor = ProcessorClient(self.http, endpoint.url)
            try:
                card = await tokenize(
                    raw, processor=processor, vault=self.vault, today=today, merchant_id=merchant_id
                )
                break
            except ProcessorFailure as failure:
                if not failure.error_type.retryable or i == len(self.endpoints) - 1:
                    raise
        return CardFacts(
            token=card.token,
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
        )


@asynccontextmanager
async def open_tokenizer(
    settings: Settings, vault: CardVault | None = None
) -> AsyncIterator[CardTokenizer]:
    """A tokenizer for the lifetime of the block, on ``vault`` (or one opened from settings)."""
    if vault is None:
        keyring = load_keyring(settings.resolved_vault_key_file())
        vault = CardVault(settings.resolved_vault_db(), keyring)
    endpoints = tuple(sorted(settings.resolved_processors(), key=lambda p: p.priority))
    async with processor_session(settings.processor_timeout_seconds) as http:
        yield CardTokenizer(vault, endpoints, http)


async def tokenize_card(settings: Settings, raw: RawCard, *, merchant_id: str) -> CardFacts:
    """One card, for one-shot callers (a test, a script): opens and closes its own tokenizer."""
    async with open_tokenizer(settings) as tokenizer:
        return await tokenizer.tokenize(raw, merchant_id=merchant_id)
