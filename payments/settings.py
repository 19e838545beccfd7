"""Settings for every entry point, read from ``PAYMENTS_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration built once in an entry point and passed down.

    Every field can be set with an environment variable named ``PAYMENTS_<FIELD>``.
    """

    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", frozen=True, extra="ignore")

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "payments"
    temporal_tls: bool = False
    temporal_tls_ca_file: Path | None = None
    temporal_tls_cert_file: Path | None = None
    temporal_tls_key_file: Path | None = None
    temporal_tls_server_name: str | None = None
    temporal_api_key: SecretStr | None = None

    processor_url: str = "http://127.0.0.1:8081"
    processor_timeout_seconds: float = Field(default=8.0, gt=0, le=60)

    run_dir: Path = Path(".run")
    codec_key_file: Path | None = None
    """Keyring for payload encryption; ``<run_dir>/codec-keys.json`` when unset."""
    vault_key_file: Path | None = None
    """Key for card numbers at rest in the vault; ``<run_dir>/vault-key.json`` when unset."""
    vault_db: Path | None = None
    """The vault's SQLite file; ``<run_dir>/vault.db`` when unset."""

    merchants_db: Path | None = None
    """Merchants' hashed API keys and webhook endpoints; ``<run_dir>/merchants.db`` when unset."""
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=30)

    merchant_id: str = "merchant_demo"
    authorization_ttl_seconds: int = Field(default=7 * 86400, gt=0)
    refund_window_seconds: int = Field(default=30 * 86400, ge=0)

    max_concurrent_activities: int = Field(default=50, gt=0)
    max_concurrent_workflow_tasks: int = Field(default=20, gt=0)
    max_cached_workflows: int = Field(default=1000, ge=0)
    max_concurrent_local_activities: int = Field(default=50, gt=0)
    max_pollers: int = Field(default=5, gt=0)
    """Most concurrent polls per task kind (workflow, activity)."""
    poller_autoscaling: bool = False
    """Let the SDK scale pollers between 1 and ``max_pollers`` with the backlog."""
    eager_activities: bool = True
    """Run an activity scheduled by this worker here without a round trip to the matcher."""
    graceful_shutdown_seconds: float = Field(default=10.0, ge=0)

    def resolved_codec_key_file(self) -> Path:
        """Where the payload keyring lives."""
        return self.codec_key_file or self.run_dir / "codec-keys.json"

    def resolved_vault_key_file(self) -> Path:
        """Where the vault's key lives."""
        return self.vault_key_file or self.run_dir / "vault-key.json"

    def resolved_merchants_db(self) -> Path:
        """Where the merchant directory lives."""
        return self.merchants_db or self.run_dir / "merchants.db"

    def resolved_vault_db(self) -> Path:
        """Where the vault's database lives."""
        return self.vault_db or self.run_dir / "vault.db"
