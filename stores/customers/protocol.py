"""``CustomerRows``: what a backend of the customer store does, and the rows it returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

Position = tuple[int, str]
"""``(created_us, customer_id)`` of the last customer a page showed."""


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """One customer as stored: its details only as ``sealed`` under ``key_id``."""

    id: str
    merchant_id: str
    key_id: str
    sealed: bytes
    created_us: int

    def __repr__(self) -> str:
        return f"CustomerRow(id={self.id!r}, merchant_id={self.merchant_id!r})"


@dataclass(frozen=True, slots=True)
class SavedCard:
    """A vault token saved to a customer, with the facts that may be shown (never the number)."""

    token: str
    customer_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    attached_us: int


@dataclass(frozen=True, slots=True)
class TokenState:
    """What a token's saved-card row says: whose customer it is saved to, or that it is revoked."""

    customer_id: str
    revoked: bool


class CustomerRows(Protocol):
    """Customers and saved cards; every read and write names the merchant that owns them."""

    async def insert(self, row: CustomerRow) -> None:
        """Store a customer unless its id exists (ids derive from the idempotency key)."""
        ...

    async def get(self, merchant_id: str, customer_id: str) -> CustomerRow | None:
        """The merchant's live (not deleted) customer, or None."""
        ...

    async def older(self, merchant_id: str, before: Position, count: int) -> list[CustomerRow]:
        """Up to ``count`` live customers strictly before ``before``, newest first."""
        ...

    async def delete(self, merchant_id: str, customer_id: str, at_us: int) -> bool:
        """Mark the merchant's live customer deleted and revoke its cards, in one transaction."""
        ...

    async def attach(self, merchant_id: str, card: SavedCard) -> bool:
        """Save ``card`` to the merchant's live customer, only if the vault row of the token is
        the merchant's too and the token was never saved before; True if saved (or already so)."""
        ...

    async def cards(self, merchant_id: str, customer_id: str) -> list[SavedCard]:
        """The customer's cards still attached, oldest first."""
        ...

    async def detach(self, merchant_id: str, customer_id: str, token: str, at_us: int) -> bool:
        """Revoke one attached card of the merchant's customer; True if it was attached."""
        ...

    async def token_state(self, merchant_id: str, token: str) -> TokenState | None:
        """The saved-card row of a token of the merchant's, or None if it was never saved."""
        ...
