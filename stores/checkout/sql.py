"""The checkout session store's statements, written once with ``?`` placeholders."""

from __future__ import annotations

_COLUMNS = (
    " id, merchant_id, payment_id, amount, currency, description, success_url, cancel_url,"
    " locale, csrf_token, created_us, expires_us, started_us, completed_us, submits "
)
INSERT = (
    "INSERT INTO checkout_sessions (id, merchant_id, payment_id, amount, currency, description,"
    " success_url, cancel_url, locale, csrf_token, created_us, expires_us, started_us,"
    " completed_us, submits) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO NOTHING"
)
GET = "SELECT" + _COLUMNS + "FROM checkout_sessions WHERE id = ?"
GET_FOR = "SELECT" + _COLUMNS + "FROM checkout_sessions WHERE id = ? AND merchant_id = ?"
COUNT_SUBMIT = "UPDATE checkout_sessions SET submits = submits + 1 WHERE id = ?"
START = "UPDATE checkout_sessions SET started_us = ? WHERE id = ? AND started_us IS NULL"
SUBMITS = "SELECT submits FROM checkout_sessions WHERE id = ?"
COMPLETE = "UPDATE checkout_sessions SET completed_us = ? WHERE id = ? AND completed_us IS NULL"


def for_postgres(statement: str) -> str:
    """``statement`` with psycopg's placeholders."""
    return statement.replace("?", "%s")
