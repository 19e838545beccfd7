"""One store suite, every case on both backends: SQLite files and a real PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from infra.keyring import Keyring, ensure_keyring, load_keyring
from infra.settings import Settings
from stores import pg
from stores.database import Database
from tests.pg_support import pg_cluster, pg_url  # noqa: F401

# The same logical tables under their names on each backend (PostgreSQL is shared by all).
PG_TABLES = {
    "cards": "vault_cards",
    "webhooks": "merchant_webhooks",
    "merchants": "merchants",
    "runs": "reconcile_runs",
    "findings": "reconcile_findings",
}
AREA_OF = {"cards": "vault", "webhooks": "merchants", "merchants": "merchants",
           "runs": "findings", "findings": "findings"}  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """Fresh SQLite files, or a fresh PostgreSQL database of the session's cluster."""
    if request.param == "sqlite":
        # The files a run folder has (infra.settings.Settings.database).
        yield Settings(run_dir=tmp_path, database_url=None).database()
        return
    yield Database(url=request.getfixturevalue("pg_url"))
    await pg.close_all()  # each test's database has its own pool


@pytest.fixture
async def pg_db(pg_url: str) -> AsyncIterator[Database]:  # noqa: F811 - the imported fixture
    """A fresh PostgreSQL database, for the cases that are about PostgreSQL alone."""
    yield Database(url=pg_url)
    await pg.close_all()


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    """A fresh vault keyring."""
    ensure_keyring(tmp_path / "vault-key.json")
    return load_keyring(tmp_path / "vault-key.json")


def raw(db: Database, table: str, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run ``statement`` outside the stores, as an operator (or attacker) with SQL would.

    ``{t}`` is ``table`` under its backend's name; ``?`` placeholders work on both.
    """
    if db.url is None:
        sql = statement.format(t=table)
        with sqlite3.connect(db.sqlite_file(AREA_OF[table])) as conn:
            return conn.execute(sql, params).fetchall()
    sql = statement.format(t=PG_TABLES[table]).replace("?", "%s")
    with psycopg.connect(db.url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
