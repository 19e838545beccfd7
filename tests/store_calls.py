"""The async stores from sync test code (fixtures, context managers), loop running or not."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from infra.keyring import load_keyring
from infra.settings import Settings
from stores import pg
from stores.merchants import MerchantDirectory, open_directory

T = TypeVar("T")


def blocking(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to its end on a loop of its own (in a thread, as the caller's may run)."""

    async def run() -> T:
        try:
            return await coro
        finally:
            await pg.close_all()  # the loop ends here, and its pools with it

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def run_directory(run_dir: Path) -> MerchantDirectory:
    """The merchant directory the run folder's processes use: ``merchants.db``, or PostgreSQL
    when ``PAYMENTS_DATABASE_URL`` is set (as the worker and API under test then use)."""
    db = Settings(run_dir=run_dir).database()
    return blocking(open_directory(db, load_keyring(run_dir / "vault-key.json")))
