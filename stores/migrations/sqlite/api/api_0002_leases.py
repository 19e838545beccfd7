"""Claims name their owner and hold a lease; files made before leases gain the columns.

A Python step because SQLite has no ``ADD COLUMN IF NOT EXISTS``, and files made by the
pre-migration code may have them already.
"""

from __future__ import annotations

from typing import Any

from yoyo import step

__depends__ = {"api_0001_keys_and_index"}

_LEASE_COLUMNS = {
    "owner": "TEXT",
    "owner_host": "TEXT",
    "owner_pid": "INTEGER",
    "lease_until": "REAL",
}


def add_lease_columns(conn: Any) -> None:
    """Add each lease column the table lacks."""
    cursor = conn.cursor()
    cursor.execute("PRAGMA table_info(idempotency)")
    have = {row[1] for row in cursor.fetchall()}
    for name, kind in _LEASE_COLUMNS.items():
        if name not in have:
            cursor.execute(f"ALTER TABLE idempotency ADD COLUMN {name} {kind}")


steps = [step(add_lease_columns)]
