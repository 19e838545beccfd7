"""A PostgreSQL restart costs the stores nothing: pooled connections are checked, then replaced."""

from __future__ import annotations

import asyncio

from infra.keyring import Keyring
from stack.postgres import PostgresCluster
from stores.database import Database
from stores.findings import open_findings
from stores.merchants import new_api_key, open_directory
from stores.vault import open_vault

NUMBER = "4242424242424242"


async def test_the_stores_keep_working_across_a_postgres_restart(
    pg_db: Database, keyring: Keyring, pg_cluster: PostgresCluster
) -> None:
    vault, directory = await open_vault(pg_db, keyring), await open_directory(pg_db, keyring)
    token = (await vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a")).token
    key = new_api_key()
    await directory.add_merchant("m_a", key)
    # The pool now holds connections the restart kills; the URL (port) stays the same.
    await asyncio.to_thread(pg_cluster.stop, mode="immediate")
    await asyncio.to_thread(pg_cluster.start)
    fresh = await open_vault(pg_db, keyring)  # no cache: the row comes from the server
    assert (await fresh.resolve(token, "m_a")).number == NUMBER
    assert await directory.merchant_for_key(key) == "m_a"
    assert await (await open_findings(pg_db)).latest() is None
