"""The refund ledger's statements, written once with ``?`` placeholders and ``{lock}``.

``{lock}`` is ``FOR UPDATE`` on PostgreSQL: concurrent reservations of one payment queue on its
row. SQLite needs none, its transaction is ``BEGIN IMMEDIATE`` (one writer at a time).
"""

from __future__ import annotations

INSERT_PAYMENT = (
    "INSERT INTO refund_payments (payment_id, merchant_id, currency, captured,"
    " refundable_until_us, processor, authorization_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (payment_id) DO NOTHING"
)
LOCK_PAYMENT = (
    "SELECT captured, refundable_until_us FROM refund_payments WHERE payment_id = ?{lock}"
)
GET = (
    "SELECT payment_id, refund_id, amount, reason, state, processor_refund_id, at_us"
    " FROM refunds WHERE payment_id = ? AND refund_id = ?"
)
# Reserved refunds count: their money may be on its way back to the customer.
COMMITTED = (
    "SELECT COALESCE(SUM(amount), 0) FROM refunds"
    " WHERE payment_id = ? AND state IN ('reserved', 'made')"
)
RESERVE = (
    "INSERT INTO refunds (payment_id, refund_id, amount, reason, state, at_us)"
    " VALUES (?, ?, ?, ?, 'reserved', ?)"
)
MADE = (
    "UPDATE refunds SET state = 'made', processor_refund_id = ?, at_us = ?"
    " WHERE payment_id = ? AND refund_id = ? AND state = 'reserved'"
)
RELEASE = (
    "UPDATE refunds SET state = 'refused', at_us = ?"
    " WHERE payment_id = ? AND refund_id = ? AND state = 'reserved'"
)
FOR_PAYMENT = (
    "SELECT payment_id, refund_id, amount, reason, state, processor_refund_id, at_us"
    " FROM refunds WHERE payment_id = ? AND state = 'made' ORDER BY at_us, refund_id"
)


def for_postgres(statement: str) -> str:
    """``statement`` with psycopg's placeholders and the row lock."""
    return statement.replace("?", "%s").replace("{lock}", " FOR UPDATE")


def for_sqlite(statement: str) -> str:
    """``statement`` without a row lock (the transaction holds the file's write lock)."""
    return statement.replace("{lock}", "")
