"""The async stores from sync test code (fixtures, context managers), loop running or not."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from infra.keyring import load_keyring
from stores.database import Database
from stores.merchants import MerchantDirectory, open_directory

T = TypeVar("T")


def blocking(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to its end on a loop of its own (in a thread, as the caller's may run)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def sqlite_directory(merchants_db: Path, keyring_file: Path) -> MerchantDirectory:
    """The SQLite merchant directory at ``merchants_db`` (migrated), sealing with that keyring."""
    db = Database(sqlite_files={"merchants": merchants_db})
    return blocking(open_directory(db, load_keyring(keyring_file)))
