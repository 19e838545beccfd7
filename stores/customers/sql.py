"""The customer store's statements, written once: ``?`` placeholders and ``{cards}`` for the
vault's table, which each backend fills in (``cards`` on SQLite, ``vault_cards`` on PostgreSQL).

Every statement names the merchant: a row of another merchant's is never read or changed.
"""

from __future__ import annotations

INSERT = (
    "INSERT INTO customers (id, merchant_id, key_id, sealed, created_us)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)
GET = (
    "SELECT id, merchant_id, key_id, sealed, created_us FROM customers"
    " WHERE id = ? AND merchant_id = ? AND deleted_us IS NULL"
)
OLDER = (
    "SELECT id, merchant_id, key_id, sealed, created_us FROM customers"
    " WHERE merchant_id = ? AND deleted_us IS NULL"
    " AND (created_us < ? OR (created_us = ? AND id < ?))"
    " ORDER BY created_us DESC, id DESC LIMIT ?"
)
DELETE = (
    "UPDATE customers SET deleted_us = ? WHERE id = ? AND merchant_id = ? AND deleted_us IS NULL"
)
REVOKE_ALL = (
    "UPDATE customer_cards SET detached_us = ?"
    " WHERE customer_id = ? AND merchant_id = ? AND detached_us IS NULL"
)
# The customer and the vault row must both be the merchant's; a token is saved at most once.
ATTACH = (
    "INSERT INTO customer_cards (token, customer_id, merchant_id, brand, last4, exp_month,"
    " exp_year, attached_us) SELECT v.token, c.id, c.merchant_id, ?, ?, ?, ?, ?"
    " FROM customers c JOIN {cards} v ON v.token = ? AND v.merchant_id = c.merchant_id"
    " WHERE c.id = ? AND c.merchant_id = ? AND c.deleted_us IS NULL"
    " ON CONFLICT (token) DO NOTHING"
)
ATTACHED = (
    "SELECT 1 FROM customer_cards"
    " WHERE token = ? AND customer_id = ? AND merchant_id = ? AND detached_us IS NULL"
)
CARDS = (
    "SELECT token, customer_id, brand, last4, exp_month, exp_year, attached_us"
    " FROM customer_cards WHERE customer_id = ? AND merchant_id = ? AND detached_us IS NULL"
    " ORDER BY attached_us, token"
)
DETACH = (
    "UPDATE customer_cards SET detached_us = ?"
    " WHERE token = ? AND customer_id = ? AND merchant_id = ? AND detached_us IS NULL"
)
SAVED_STATE = (
    "SELECT customer_id, detached_us IS NOT NULL FROM customer_cards"
    " WHERE token = ? AND merchant_id = ?"
)


def for_postgres(statement: str) -> str:
    """``statement`` with psycopg's placeholders and the vault table's PostgreSQL name."""
    return statement.replace("?", "%s").replace("{cards}", "vault_cards")


def for_sqlite(statement: str) -> str:
    """``statement`` with the vault table's SQLite name."""
    return statement.replace("{cards}", "cards")
