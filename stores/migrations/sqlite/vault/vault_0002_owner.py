"""Vault files made before tokens had owners lack ``merchant_id``; their rows keep NULL.

A Python step because SQLite has no ``ADD COLUMN IF NOT EXISTS``, and files made by the
pre-migration code already have the column.
"""

from __future__ import annotations

from typing import Any

from yoyo import step

__depends__ = {"vault_0001_cards"}


def add_owner(conn: Any) -> None:
    """Add the owner column unless the table has it."""
    cursor = conn.cursor()
    cursor.execute("PRAGMA table_info(cards)")
    if "merchant_id" not in {row[1] for row in cursor.fetchall()}:
        cursor.execute("ALTER TABLE cards ADD COLUMN merchant_id TEXT")


steps = [step(add_owner)]
