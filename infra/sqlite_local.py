"""One SQLite connection per thread, WAL mode: the pattern every small store here shares."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class ThreadLocalConnections:
    """Hands each thread its own connection to one database file (sqlite3 objects are not
    safe to share across threads; activities reach the stores from ``asyncio.to_thread``)."""

    def __init__(self, db_path: Path, *, autocommit: bool = False) -> None:
        """Create the parent folder; ``autocommit`` leaves transactions to explicit BEGINs."""
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._path = db_path
        self._autocommit = autocommit
        self._local = threading.local()

    def get(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._autocommit:
                conn = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            else:
                conn = sqlite3.connect(self._path, timeout=10)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn
