"""Which database the shared stores use: SQLite files in the run folder, or one PostgreSQL.

``PAYMENTS_DATABASE_URL`` unset keeps the embedded default (one SQLite file per store under the
run folder); a ``postgresql://`` URL puts every store in that database. The URL carries a
password, so it is only ever shown masked, and a URL that is wrong or unreachable becomes one
``DatabaseUnavailable`` line for the entry point to print, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

_SCHEMES = ("postgresql", "postgres")


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be used; the message is one line and holds no password."""


class StoreUnavailable(RuntimeError):
    """A store could not reach its database in time (down, restarting, pool exhausted).

    Retrying later is safe: a store call is one transaction, so it either happened or did not,
    and every caller (idempotency claim, vault token, index row) is idempotent on retry.
    """


def mask(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable database URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[-1]}"))


@dataclass(frozen=True, slots=True)
class Database:
    """Where the stores live: ``url`` for PostgreSQL, else one SQLite file per store area.

    Areas: ``vault``, ``merchants``, ``api`` (idempotency keys, payment index), ``findings``,
    ``refunds``.
    """

    sqlite_files: Mapping[str, Path] = field(default_factory=dict)
    url: str | None = None

    @property
    def is_postgres(self) -> bool:
        """True when the stores use PostgreSQL."""
        return self.url is not None

    def sqlite_file(self, area: str) -> Path:
        """The SQLite file of one store area."""
        return self.sqlite_files[area]

    def describe(self) -> str:
        """For logs and start-up lines: the masked URL, or where the SQLite files are."""
        if self.url:
            return mask(self.url)
        folders = sorted({str(path.parent) for path in self.sqlite_files.values()})
        return "sqlite files in " + ", ".join(folders)


def database(url: str | None, sqlite_files: Mapping[str, Path]) -> Database:
    """Check the form of ``url`` (None or "" for SQLite).

    Raises:
        DatabaseUnavailable: ``url`` is not a ``postgresql://`` URL with a host and database.
    """
    if not url:
        return Database(sqlite_files=dict(sqlite_files))
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as exc:
        raise DatabaseUnavailable(f"PAYMENTS_DATABASE_URL is not a valid URL: {exc}") from None
    if parts.scheme not in _SCHEMES or not parts.hostname or len(parts.path) < 2:
        raise DatabaseUnavailable(
            "PAYMENTS_DATABASE_URL must look like postgresql://user:password@host:5432/database,"
            f" got {mask(url)}"
        )
    return Database(sqlite_files=dict(sqlite_files), url=url)


def check_reachable(db: Database, *, timeout: float = 5.0) -> None:
    """Connect once, so a wrong or unreachable database fails at start-up with one clear line.

    Raises:
        DatabaseUnavailable: The server cannot be reached or refuses the login.
    """
    if db.url is None:
        return
    try:
        psycopg.connect(db.url, connect_timeout=max(1, int(timeout))).close()
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if db.url and "@" in db.url:
            secret = urlsplit(db.url).password
            reason = reason.replace(secret, "***") if secret else reason
        raise DatabaseUnavailable(f"cannot use database {db.describe()}: {reason}") from None
