"""The local stack's database: SQLite files in the run folder (``DB=sqlite``, the default), or a
PostgreSQL cluster of its own in ``<run>/postgres`` (``DB=postgres``).

The cluster's URL holds its password, so it only travels in the environment of the processes
that use the stores; people see ``display_url()`` and the password file's path.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from stack.postgres import PostgresCluster
from stores.database import Database, database

POSTGRES = "postgres"
FOLDER = "postgres"


def cluster(run_dir: Path) -> PostgresCluster:
    """The stack's cluster (it may not exist or run yet)."""
    return PostgresCluster(run_dir / FOLDER)


def ensure(run_dir: Path, db: str) -> None:
    """With ``db`` postgres, start the stack's cluster unless it runs (installing Debian's
    postgresql if it is missing), then say where it is."""
    if db != POSTGRES:
        return
    pg = cluster(run_dir)
    if pg.running():
        print(f"postgres: already running, left alone ({pg.display_url()})")
    else:
        pg.start(install=True)
        print(f"postgres: started ({pg.display_url()})")


def database_url(run_dir: Path, db: str) -> str | None:
    """The cluster's full URL with ``db`` postgres (never print it), else None."""
    pg = cluster(run_dir)
    if db != POSTGRES or pg.info is None:
        return None
    return pg.url()


def stores_database(run_dir: Path, db: str) -> Database | None:
    """The stores' ``Database`` with ``db`` postgres (for the merchant setup ``up`` does in this
    process), else None: the SQLite files in the run folder."""
    url = database_url(run_dir, db)
    return None if url is None else database(url, {})


def database_env(run_dir: Path, db: str) -> dict[str, str]:
    """``PAYMENTS_DATABASE_URL`` for the stack's processes with ``db`` postgres, else nothing."""
    url = database_url(run_dir, db)
    return {} if url is None else {"PAYMENTS_DATABASE_URL": url}


def describe(run_dir: Path, db: str) -> list[str]:
    """Lines for ``make up``: the masked URL, the password's file, the data and log."""
    pg = cluster(run_dir)
    info = pg.info
    if db != POSTGRES or info is None:
        return []
    return [
        f"PostgreSQL     {pg.display_url()} (every store; password in {pg.folder / 'password'})",
        f"  data         {info.data_dir}, log {info.log_file}",
    ]


def export_line(run_dir: Path, db: str) -> str | None:
    """A shell ``export`` of the URL that reads the password from its file, never shows it."""
    pg = cluster(run_dir)
    if db != POSTGRES or pg.info is None:
        return None
    url = pg.display_url().replace("***", f"$(cat {shlex.quote(str(pg.folder / 'password'))})")
    return f'export PAYMENTS_DATABASE_URL="{url}"'


def stop(run_dir: Path) -> None:
    """Stop the stack's cluster if it runs, keeping its data (``make clean`` removes it)."""
    pg = cluster(run_dir)
    if pg.info is None:
        return
    if pg.running():
        pg.stop()
        print("postgres: stopped (data kept; `make clean` removes it)")
    else:
        print("postgres: not running")


def remove(run_dir: Path) -> None:
    """Stop the cluster and delete its data, wherever it lives."""
    cluster(run_dir).remove()


def status(run_dir: Path) -> tuple[str, int] | None:
    """``make status``'s line for the cluster and its code (0 running), or None if there is none."""
    pg = cluster(run_dir)
    if pg.info is None:
        return None
    if pg.running():
        return f"{'postgres':<11} running  {pg.display_url()}", 0
    return f"{'postgres':<11} stopped  (data in {pg.info.data_dir})", 1
