"""Merchant-scoped customers and the vault tokens saved to them, in the vault's store area.

A customer's e-mail, name and description are personal data: they are sealed under the vault
keyring, with the customer's id and merchant in the associated data, so a row moved to another
merchant by editing a column cannot be opened. Saved cards keep only display facts beside the
token (the number stays in the vault). Detaching a card, or deleting its customer, revokes the
token for good: ``usable`` then says no, and nothing is ever re-attached under the same token.

The area is ``vault`` because a saved card is a vault row's second life: attaching checks the
token's owner against the vault's own table in the same statement (one SQLite file, or the one
PostgreSQL), and the vault's file is already the private, backed-up home of card data.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from infra.keyring import Keyring
from infra.sealing import seal, unseal
from stores import migrate
from stores.customers.protocol import CustomerRow, CustomerRows, Position, SavedCard, TokenState
from stores.customers.rows import PostgresCustomerRows, SqliteCustomerRows
from stores.database import Database

__all__ = ["EPOCH", "Customer", "CustomerIdTaken", "CustomerStore", "Details", "Position"]
__all__ += ["SavedCard", "TokenState", "customers_on", "now_us", "open_customers"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_AAD = b"temporal-payments/customers/v1:"
# Above any real creation time: "older than this" is every customer.
_NEWEST = (2**62, "")


class CustomerIdTaken(Exception):
    """The id was a customer's that is deleted (its idempotency key was purged and reused)."""


@dataclass(frozen=True, slots=True)
class Details:
    """What a merchant may say about a customer (every field optional)."""

    email: str | None = None
    name: str | None = None
    description: str | None = None

    def __repr__(self) -> str:
        return "Details(...)"


@dataclass(frozen=True, slots=True)
class Customer:
    """A live customer of one merchant."""

    id: str
    merchant_id: str
    details: Details
    created_us: int

    @property
    def created_at(self) -> datetime:
        """Exact (integer microseconds), as the list's cursor compares it."""
        return EPOCH + timedelta(microseconds=self.created_us)


def now_us() -> int:
    """Microseconds since the epoch, now."""
    return (datetime.now(UTC) - EPOCH) // timedelta(microseconds=1)


class CustomerStore:
    """Customers and saved cards on ``rows``; details sealed here, for every backend."""

    def __init__(self, rows: CustomerRows, keyring: Keyring) -> None:
        """A store on ``rows`` (see ``open_customers``)."""
        self._rows, self._keyring = rows, keyring

    async def create(self, merchant_id: str, customer_id: str, details: Details) -> Customer:
        """Store the customer unless ``customer_id`` exists; return it as stored."""
        plain = json.dumps([details.email, details.name, details.description]).encode()
        key_id, sealed = seal(self._keyring, _aad(customer_id, merchant_id), plain)
        await self._rows.insert(CustomerRow(customer_id, merchant_id, key_id, sealed, now_us()))
        found = await self.get(merchant_id, customer_id)
        if found is None:
            raise CustomerIdTaken("customer id belongs to a deleted customer")
        return found

    async def get(self, merchant_id: str, customer_id: str) -> Customer | None:
        """The merchant's live customer; another merchant's is None, like an unknown id."""
        row = await self._rows.get(merchant_id, customer_id)
        return None if row is None else self._open(row)

    async def older(self, merchant_id: str, after: Position | None, count: int) -> list[Customer]:
        """Up to ``count`` live customers older than ``after`` (all when None), newest first."""
        rows = await self._rows.older(merchant_id, after or _NEWEST, count)
        return [self._open(row) for row in rows]

    async def delete(self, merchant_id: str, customer_id: str) -> bool:
        """Delete the customer and revoke its saved cards; False if it was not live."""
        return await self._rows.delete(merchant_id, customer_id, now_us())

    async def attach(self, merchant_id: str, card: SavedCard) -> bool:
        """Save a vault token of the merchant's to its live customer; False if not allowed."""
        return await self._rows.attach(merchant_id, card)

    async def cards(self, merchant_id: str, customer_id: str) -> list[SavedCard]:
        """The customer's attached cards, oldest first."""
        return await self._rows.cards(merchant_id, customer_id)

    async def detach(self, merchant_id: str, customer_id: str, token: str) -> bool:
        """Revoke one of the customer's cards for good; False if it was not attached."""
        return await self._rows.detach(merchant_id, customer_id, token, now_us())

    async def token_state(self, merchant_id: str, token: str) -> TokenState | None:
        """Whose customer a token is saved to (or revoked); None if never saved. Uncached, so
        a detach on one host holds at once on every other."""
        return await self._rows.token_state(merchant_id, token)

    def _open(self, row: CustomerRow) -> Customer:
        plain = unseal(self._keyring, _aad(row.id, row.merchant_id), row.key_id, row.sealed)
        email, name, description = json.loads(plain)
        return Customer(row.id, row.merchant_id, Details(email, name, description), row.created_us)


def _aad(customer_id: str, merchant_id: str) -> bytes:
    return _AAD + customer_id.encode() + b"|" + merchant_id.encode()


def customers_on(db: Database, keyring: Keyring) -> CustomerStore:
    """The store in ``db`` as its schema is (callers that applied the migrations already)."""
    if db.url is not None:
        return CustomerStore(PostgresCustomerRows(db.url), keyring)
    return CustomerStore(SqliteCustomerRows(db.sqlite_file("vault")), keyring)


async def open_customers(db: Database, keyring: Keyring) -> CustomerStore:
    """The store in ``db``, after applying the ``vault`` area's pending migrations (in a thread)."""
    await asyncio.to_thread(migrate.apply, db, "vault")
    return customers_on(db, keyring)
