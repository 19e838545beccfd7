"""Cards for load on a throwaway stack (bench and chaos): random valid numbers, tokenized once."""

from __future__ import annotations

import secrets
from datetime import date

from facade.tokenize import CardTokenizer
from payments.cards import RawCard
from payments.models import CardFacts


def random_visa() -> str:
    """A random valid Visa-range number; the simulator approves unknown valid cards."""
    body = "4" + "".join(str(secrets.randbelow(10)) for _ in range(14))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


async def tokenize_cards(tokenizer: CardTokenizer, n: int, merchant_id: str) -> list[CardFacts]:
    """Tokenize ``n`` random cards of ``merchant_id`` up front: tokenization is the edge."""
    year = date.today().year + 2
    raw = [RawCard(random_visa(), 12, year, "123") for _ in range(n)]
    return [await tokenizer.tokenize(card, merchant_id=merchant_id) for card in raw]
