"""SQLite access: schema, per-thread connections and write transactions."""

import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from simulator.schema import SCHEMA

_SALT_KEY = "fingerprint_salt"


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Format a UTC time at fixed width so that text order equals time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Database:
    """A SQLite file shared by the request threads, one connection per thread.

    sqlite3 connections are not safe to share between threads, so each threadpool worker
    lazily opens its own; WAL lets readers run while one writer holds the lock.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        conn = self.conn()
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        with self.write() as tx:
            # INSERT OR IGNORE keeps the first salt if another process raced us here.
            tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                (_SALT_KEY, secrets.token_bytes(32)),
            )
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (_SALT_KEY,)).fetchone()
        self.salt: bytes = bytes(row[0])

    def conn(self) -> sqlite3.Connection:
        """Return this thread's connection, opening it on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one BEGIN IMMEDIATE transaction, rolled back on any exception."""
        conn = self.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one read transaction so that it sees a single snapshot."""
        conn = self.conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection opened by any thread."""
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
