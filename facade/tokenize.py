"""Card tokenization over resources the caller holds: one vault, the opened processors.

(Proposed facade/tokenize.py once helper G's processors/ is merged: G's processors.tokenize does
the failover over the Protocol; the tokenizer only holds what it needs.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from infra.keyring import load_keyring
from infra.settings import Settings
from payments.cards import RawCard
from payments.models import CardFacts
from processors.protocol import Processor
from processors.registry import opened
from processors.tokenize import tokenize
from stores.vault import CardVault, open_vault


@dataclass(frozen=True)
class CardTokenizer:
    """Validates (unless given a ``ValidCard``), CVC-checks and vaults cards.

    Built once per process (the API's lifespan, a CLI command, a bench run), so no request
    re-reads the keyring, reopens the vault or opens a new HTTP session.
    """

    vault: CardVault
    processors: Sequence[Processor]
    """In failover order (priority)."""
    named: Mapping[str, Processor] = field(default_factory=dict)
    """The same processors by their configured name (a processor's own PaymentMethods)."""

    async def tokenize(self, raw: RawCard, *, merchant_id: str) -> CardFacts:
        """A vault token only ``merchant_id`` can pay with, and the card's display facts."""
        card = await tokenize(
            raw,
            processors=self.processors,
            vault=self.vault,
            today=datetime.now(UTC).date(),
            merchant_id=merchant_id,
        )
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
        vault = await open_vault(settings.database(), keyring)
    endpoints = settings.resolved_processors()
    async with opened(endpoints, timeout_seconds=settings.processor_timeout_seconds) as held:
        yield CardTokenizer(vault, tuple(held.values()), dict(held))


async def tokenize_card(settings: Settings, raw: RawCard, *, merchant_id: str) -> CardFacts:
    """One card, for one-shot callers (a test, a script): opens and closes its own tokenizer."""
    async with open_tokenizer(settings) as tokenizer:
        return await tokenizer.tokenize(raw, merchant_id=merchant_id)
