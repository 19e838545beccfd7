"""Double-entry primitives: accounts and transfers.

Each transfer moves one amount from one debit account to one credit account, so postings
always balance. SQLite checks the CHECK constraints after every statement, so callers order
their updates to only ever shrink a reservation before growing a posting.
"""

import secrets
import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from simulator.db import iso, utc_now


class AccountKind(StrEnum):
    """The roles an account can play."""

    CARDHOLDER = "cardholder"
    MERCHANT = "merchant"
    ISSUER = "issuer"


class TransferKind(StrEnum):
    """Posted transfers move money; pending ones reserve it (a hold)."""

    POSTED = "posted"
    PENDING = "pending"


@dataclass(frozen=True)
class TransferSpec:
    """What a transfer records besides its accounts and amount."""

    operation: str
    payment_id: str | None = None
    step: str | None = None
    idempotency_key: str | None = None
    hold_id: str | None = None


def new_id(prefix: str) -> str:
    """Return a random, prefixed identifier such as ``auth_3f2a...``."""
    return f"{prefix}_{secrets.token_hex(12)}"


def _create_account(
    conn: sqlite3.Connection, account_id: str, kind: AccountKind, owner: str, currency: str
) -> bool:
    """Create an account if missing; return True if this call created it."""
    guarded = 0 if kind is AccountKind.ISSUER else 1
    cur = conn.execute(
        "INSERT OR IGNORE INTO accounts (id, kind, owner, currency, must_not_overdraw)"
        " VALUES (?, ?, ?, ?, ?)",
        (account_id, kind, owner, currency, guarded),
    )
    return cur.rowcount == 1


def issuer_account(conn: sqlite3.Connection, currency: str) -> str:
    """Return the issuer's source-of-funds account for ``currency``, creating it lazily."""
    account_id = f"issuer:{currency}"
    _create_account(conn, account_id, AccountKind.ISSUER, "issuer", currency)
    return account_id


def merchant_account(conn: sqlite3.Connection, merchant_id: str, currency: str) -> str:
    """Return the merchant's account for ``currency``, creating it lazily."""
    account_id = f"merchant:{merchant_id}:{currency}"
    _create_account(conn, account_id, AccountKind.MERCHANT, merchant_id, currency)
    return account_id


def cardholder_account_id(card_fingerprint: str, currency: str) -> str:
    """Return the id of the cardholder account for a card fingerprint and currency."""
    return f"cardholder:{card_fingerprint}:{currency}"


def cardholder_account(
    conn: sqlite3.Connection, card_fingerprint: str, currency: str, opening: int
) -> str:
    """Return the cardholder account, funding it from the issuer when first created."""
    account_id = cardholder_account_id(card_fingerprint, currency)
    created = _create_account(conn, account_id, AccountKind.CARDHOLDER, card_fingerprint, currency)
    if created and opening > 0:
        spec = TransferSpec(operation="fund")
        transfer(conn, issuer_account(conn, currency), account_id, opening, currency, spec)
    return account_id


def transfer(
    conn: sqlite3.Connection,
    debit: str,
    credit: str,
    amount: int,
    currency: str,
    spec: TransferSpec,
    kind: TransferKind = TransferKind.POSTED,
    transfer_id: str | None = None,
) -> str:
    """Record a transfer and apply it to both accounts; constraint failures propagate."""
    transfer_id = transfer_id or new_id("tr")
    conn.execute(
        "INSERT INTO transfers (id, debit_account, credit_account, amount, currency, kind,"
        " operation, hold_id, payment_id, step, idempotency_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (transfer_id, debit, credit, amount, currency, kind, spec.operation, spec.hold_id,
         spec.payment_id, spec.step, spec.idempotency_key, iso(utc_now())),
    )  # fmt: skip
    side = "pending" if kind is TransferKind.PENDING else "posted"
    # Column names come from the fixed set above, never from input.
    conn.execute(
        f"UPDATE accounts SET debits_{side} = debits_{side} + ? WHERE id = ?",  # noqa: S608
        (amount, debit),
    )
    conn.execute(
        f"UPDATE accounts SET credits_{side} = credits_{side} + ? WHERE id = ?",  # noqa: S608
        (amount, credit),
    )
    return transfer_id


def release_pending(conn: sqlite3.Connection, debit: str, credit: str, amount: int) -> None:
    """Give back a reserved amount on both sides of a hold."""
    conn.execute(
        "UPDATE accounts SET debits_pending = debits_pending - ? WHERE id = ?", (amount, debit)
    )
    conn.execute(
        "UPDATE accounts SET credits_pending = credits_pending - ? WHERE id = ?", (amount, credit)
    )


def available(conn: sqlite3.Connection, account_id: str) -> int | None:
    """Return what an account can still spend, or None if it does not exist yet."""
    row = conn.execute(
        "SELECT credits_posted - debits_posted - debits_pending FROM accounts WHERE id = ?",
        (account_id,),
    ).fetchone()
    return None if row is None else int(row[0])
