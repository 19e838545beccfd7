"""A database that is down is ``StoreUnavailable`` (the API's 503), and the pool heals after."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from api import errors
from stack.postgres import PostgresCluster
from stores import pg
from stores.database import StoreUnavailable
from tests.pg_support import fresh_database


async def test_a_stopped_database_is_store_unavailable_then_heals(
    pg_cluster: PostgresCluster,
) -> None:
    url = fresh_database(pg_cluster)
    async with pg.connect(url) as conn:
        await conn.execute("SELECT 1")
    pg_cluster.stop(mode="immediate")
    try:
        with pytest.raises(StoreUnavailable) as caught:
            async with pg.connect(url) as conn:
                await conn.execute("SELECT 1")
        assert "127.0.0.1" not in str(caught.value) and "payments" not in str(caught.value)
    finally:
        pg_cluster.start()
    async with pg.connect(url) as conn:
        assert await (await conn.execute("SELECT 2")).fetchone() == (2,)
    await pg.close_all()


async def test_the_api_answers_store_unavailable_as_a_retryable_503() -> None:
    app = FastAPI()
    errors.install(app)

    @app.get("/down")
    async def down() -> None:
        raise StoreUnavailable("database unavailable (OperationalError)")

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.get("/down")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["error"]["code"] == "store_unavailable"
