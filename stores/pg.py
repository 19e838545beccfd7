"""Connection pools to the stores' PostgreSQL, one per process and URL.

Every store in a process shares one pool, opened on first use: a worker or API host keeps a
handful of connections however many stores it has. ``check_connection`` runs before a
connection is handed out, so after PostgreSQL restarts the pool replaces dead connections
instead of failing the next request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from stores.database import StoreUnavailable

# Enough for an API host's or worker's concurrent store calls; PostgreSQL's default
# max_connections (100) then allows about ten processes per database.
_MIN_SIZE, _MAX_SIZE = 1, 8
_pools: dict[tuple[str, int], AsyncConnectionPool] = {}


async def pool(url: str) -> AsyncConnectionPool:
    """This event loop's open pool for ``url`` (created on first call)."""
    key = (url, id(asyncio.get_running_loop()))
    found = _pools.get(key)
    if found is None:
        found = AsyncConnectionPool(
            url,
            min_size=_MIN_SIZE,
            max_size=_MAX_SIZE,
            open=False,
            check=AsyncConnectionPool.check_connection,
            kwargs={"autocommit": True},
            timeout=10.0,
        )
        _pools[key] = found
        await found.open(wait=True, timeout=10.0)
    return found


@asynccontextmanager
async def connect(
    url: str, own_pool: AsyncConnectionPool | None = None
) -> AsyncIterator[psycopg.AsyncConnection]:
    """A pooled connection (``own_pool`` or the process's pool for ``url``).

    Raises:
        StoreUnavailable: The database could not be reached, or the connection broke; the
            message names no host or password (the URL holds one).
    """
    try:
        async with (own_pool or await pool(url)).connection() as conn:
            yield conn
    except (psycopg.OperationalError, PoolTimeout) as exc:
        raise StoreUnavailable(f"database unavailable ({type(exc).__name__})") from None


async def close_all() -> None:
    """Close this event loop's pools (at shutdown)."""
    loop = id(asyncio.get_running_loop())
    for key in [k for k in _pools if k[1] == loop]:
        await _pools.pop(key).close()
