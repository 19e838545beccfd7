"""Versioned schema migrations (yoyo-migrations), per store area and backend.

Migrations live in ``stores/migrations/<backend>/<area>/`` as numbered SQL files, named
``<area>_NNNN_<what>.sql`` so ids stay unique when every area shares one PostgreSQL database.
They are applied when a store opens (under yoyo's lock, so API hosts and workers starting
together apply each one once) or ahead of a deploy with ``python -m stores.migrate``.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from yoyo import get_backend, read_migrations

from stores.database import Database, DatabaseUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"
AREAS = ("vault", "merchants", "api", "findings", "refunds")
# yoyo opens SQLite in shared-cache mode, where a lock held by another thread of the same
# process fails at once (SQLITE_LOCKED) instead of waiting: threads here take turns.
_IN_PROCESS = threading.Lock()


def backend_url(db: Database, area: str) -> str:
    """yoyo's URL for ``area``: the PostgreSQL database, or that area's SQLite file."""
    if db.url is not None:
        return "postgresql+psycopg://" + db.url.split("://", 1)[1]
    path = db.sqlite_file(area)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def apply(db: Database, area: str) -> int:
    """Apply ``area``'s pending migrations; return how many were applied."""
    kind = "postgres" if db.is_postgres else "sqlite"
    migrations = read_migrations(str(MIGRATIONS / kind / area))
    with _IN_PROCESS:
        backend = get_backend(backend_url(db, area))
        try:
            with backend.lock():
                pending = backend.to_apply(migrations)
                backend.apply_migrations(pending)
            return len(pending)
        finally:
            backend.connection.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m stores.migrate``: apply every area's migrations to the configured database."""
    from infra.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    settings = Settings()
    try:
        db = settings.database()
        for area in AREAS:
            print(f"{area}: {apply(db, area)} migration(s) applied to {db.describe()}")
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
