"""The API's store area (idempotency keys and the payment index): one SQLite file or PostgreSQL."""

from __future__ import annotations

import os

from stores import migrate
from stores.database import Database


def prepare(db: Database) -> None:
    """Apply the ``api`` area's pending migrations (blocking: call it in a thread).

    On SQLite the file is made private (mode 0600) before anything is written to it: it holds
    saved answers and request fingerprints. An existing file is never opened here: closing any
    descriptor of it drops every POSIX lock this process's SQLite connections hold on it, and
    another process could then delete the WAL they still use (the file is then corrupt).
    """
    if db.url is None:
        path = db.sqlite_file("api")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        path.chmod(0o600)
    migrate.apply(db, "api")
