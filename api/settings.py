"""Settings of the HTTP API, on top of the shared ``PAYMENTS_*`` settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import Field, SecretStr

from infra.settings import Settings
from stores.database import Database


class ApiSettings(Settings):
    """Built once in ``python -m api`` (or a test) and passed to ``create_app``.

    Every field is read from ``PAYMENTS_<FIELD>``, e.g. ``PAYMENTS_API_PORT=8000``.
    """

    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=0, le=65535)
    api_db: Path | None = None
    """Idempotency keys and payment index on SQLite; ``<run_dir>/api.db`` when unset."""
    api_keys: dict[str, SecretStr] = {}
    """Merchant keys as JSON ``{"merchant_id": "sk_..."}``; hashed into merchants.db at start."""
    api_keys_file: Path | None = None
    """A JSON file of the same shape, read at start (``make up`` writes ``<run>/api-keys.json``)."""
    api_secret_file: Path | None = None
    """Key for request fingerprints; ``<run_dir>/api-secret`` (created, mode 0600) when unset."""

    max_body_bytes: int = Field(default=16_384, gt=0)
    confirm_wait_seconds: float = Field(default=15.0, gt=0)
    """How long a create waits for the authorization before answering ``processing``."""
    operation_wait_seconds: float = Field(default=30.0, gt=0)
    """How long capture, cancel and refund wait before answering 503 (outcome unknown)."""
    temporal_rpc_timeout_seconds: float = Field(default=10.0, gt=0)
    api_rate_per_second: float = Field(default=25.0, gt=0)
    """Requests per second each merchant may make, on average (token bucket)."""
    api_rate_burst: float = Field(default=50.0, ge=1)
    idempotency_lease_seconds: float = Field(default=5.0, gt=0)
    """How long a key in flight stays claimed without its owner renewing it (every third of
    this while the request works): a key held by a killed API process is free after this."""
    idempotency_retention_hours: float = Field(default=48.0, ge=24)
    """Keys are kept at least 24 hours; older ones are purged lazily."""
    checkout_session_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    """How long a hosted payment page takes a card after its session is created."""

    def request_deadline_seconds(self) -> float:
        """The longest a POST works: its Temporal wait, plus slack for tokenizing and the stores.

        A claim on a key older than this is stale even if renewed (its owner is stuck).
        """
        return max(self.confirm_wait_seconds + 5, self.operation_wait_seconds) + 10

    def resolved_api_db(self) -> Path:
        """Where the idempotency store lives."""
        return self.api_db or self.run_dir / "api.db"

    def database(self) -> Database:
        """The shared stores' database, with ``api_db`` as the ``api`` area's SQLite file.

        Raises:
            DatabaseUnavailable: ``database_url`` is set but malformed.
        """
        db = super().database()
        return replace(db, sqlite_files={**db.sqlite_files, "api": self.resolved_api_db()})

    def resolved_api_secret_file(self) -> Path:
        """Where the fingerprint key lives."""
        return self.api_secret_file or self.run_dir / "api-secret"
