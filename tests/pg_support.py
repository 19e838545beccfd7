"""A real PostgreSQL server for the tests: one throwaway cluster per test process.

Each test that asks for ``pg_url`` gets a database of its own in that cluster, so tests never
see each other's rows; the cluster goes away with the session.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from stack.postgres import PostgresCluster


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCluster]:
    """A started cluster for this test process (installing nothing: CI's .ci/run does that)."""
    cluster = PostgresCluster(Path(tmp_path_factory.mktemp("postgres")))
    cluster.start()
    yield cluster
    cluster.remove()


def fresh_database(cluster: PostgresCluster) -> str:
    """Create an empty database in ``cluster`` and return its URL."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return cluster.url().rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> str:
    """The URL of a new, empty database (its password included: never print it)."""
    return fresh_database(pg_cluster)
