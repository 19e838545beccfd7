"""Settings for every entry point, read from ``PAYMENTS_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from stores.database import Database, database


class ProcessorEndpoint(BaseModel):
    """One card-processor connection; lower ``priority`` is tried first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9_\-]{1,32}$")
    url: str
    priority: int = 0
    kind: str = Field(default="simulator", pattern=r"^[a-z0-9_]{1,32}$")
    """Which adapter talks to it (``processors.registry.ADAPTERS``): ``simulator``, ``stripe``."""
    api_key_file: Path | None = None
    """A file holding the processor's secret key (``stripe``); never the key itself here."""
    api_key_env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]{0,63}$")
    """The name of an environment variable holding the secret key (``stripe``)."""
    rate_per_second: float | None = Field(default=None, gt=0)
    """The contracted rate across all workers; unset: ``PAYMENTS_PROCESSOR_RATE_PER_SECOND``."""


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
    worker_deployment_name: str = Field(default="payments", pattern=r"^[A-Za-z0-9_\-]{1,64}$")
    """The Worker Deployment this worker belongs to (no dots: ``<name>.<build id>`` is a
    version's canonical name)."""
    worker_build_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.\-]{1,64}$")
    """This worker's build in the deployment; unset: the worker runs unversioned (tests, chaos,
    bench). Set, it polls as ``<deployment>.<build id>`` and its workflows run pinned to their
    build (``infra.deployment.VERSIONING_BEHAVIOR``, docs/changing-the-workflow.md)."""
    worker_make_current: bool = False
    """Once polling, make this build the deployment's current version (the local stack, where
    one build runs at a time). Production deploys promote with ``temporal worker deployment
    set-current-version`` after checking the new build (README, "Deploying new workflow
    code")."""

    processor_url: str = "http://127.0.0.1:8081"
    """The only processor when ``processors`` is empty."""
    processors: list[ProcessorEndpoint] = []
    """Several processors as JSON, e.g. ``[{"name": "primary", "url": "...", "priority": 0,
    "kind": "simulator"}]`` (``kind`` defaults to ``simulator``)."""
    processor_timeout_seconds: float = Field(default=8.0, gt=0, le=60)
    breaker_threshold: int = Field(default=5, gt=0)
    breaker_reset_seconds: float = Field(default=15.0, gt=0)
    processor_rate_per_second: float = Field(default=500.0, gt=0)
    """Each processor's rate unless its entry sets ``rate_per_second``: the server holds it for
    the processor's task queue across all workers; each worker's bucket holds it too."""
    processor_burst: float = Field(default=100.0, ge=1)
    unknown_outcome_alert_seconds: int = Field(default=300, gt=0)
    """How long an unresolved outcome may last before the payment shows ``outcome_unknown``."""
    unsafe_random_idempotency_keys: bool = False
    """DANGER, TEST ONLY: send a fresh random Idempotency-Key on every processor HTTP attempt.

    This breaks exactly-once on purpose. It exists only so the chaos harness
    (``make chaos-unsafe``) can prove that it detects duplicate effects; never set it anywhere
    else. Workers log a warning at start while it is on.
    """
    reconcile_interval_seconds: int = Field(default=300, ge=0)
    """How often the reconciliation schedule runs; 0 leaves the schedule alone."""
    stuck_after_seconds: int = Field(default=900, gt=0)
    """A payment pending or unknown for longer is flagged ``stuck``."""
    reconcile_settle_seconds: int = Field(default=60, ge=0)
    """Payments that changed more recently are not compared yet (the ledger may be ahead)."""
    metrics_port: int | None = None
    """Worker business metrics on ``http://127.0.0.1:<port>/metrics``; unset: not served."""
    sdk_metrics_port: int | None = None
    """Temporal SDK metrics (the SDK's own Prometheus exporter); unset: not served."""
    otel_traces: Literal["off", "console", "otlp"] = "off"
    """OpenTelemetry spans: off, printed to the console, or sent to ``otel_endpoint``."""
    otel_endpoint: str = "http://127.0.0.1:4318/v1/traces"
    """OTLP over HTTP, used when ``otel_traces`` is ``otlp``."""

    run_dir: Path = Path(".run")
    codec_key_file: Path | None = None
    """Keyring for payload encryption; ``<run_dir>/codec-keys.json`` when unset."""
    vault_key_file: Path | None = None
    """Key for card numbers at rest in the vault; ``<run_dir>/vault-key.json`` when unset."""
    vault_db: Path | None = None
    """The vault's SQLite file; ``<run_dir>/vault.db`` when unset."""

    merchants_db: Path | None = None
    """Merchants' hashed API keys and webhook endpoints; ``<run_dir>/merchants.db`` when unset."""
    database_url: SecretStr | None = None
    """PostgreSQL for every shared store (``postgresql://user:password@host/db``); unset: SQLite
    files in the run folder. Required for more than one host."""
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    webhook_allow_private_targets: bool = False
    """Let webhooks go to loopback, private, link-local and other non-public addresses.

    For local development only (``make up`` sets it: the demo's receiver is on 127.0.0.1). Off,
    an API key cannot turn the worker against internal services (SSRF): registration refuses
    such URLs and localhost names, delivery refuses host names resolving to such addresses.
    """

    merchant_id: str = "merchant_demo"
    authorization_ttl_seconds: int = Field(default=7 * 86400, gt=0)
    refund_window_seconds: int = Field(default=30 * 86400, ge=0)
    authentication_timeout_seconds: int = Field(default=900, gt=0, le=86400)
    """How long a payment waits for the customer's 3-D Secure challenge (a durable timer)."""
    max_payment_attempts: int = Field(default=3, ge=1, le=10)
    """Cards a ``retry_on_decline`` payment may try, the first included."""
    payment_method_timeout_seconds: int = Field(default=3600, gt=0, le=86400)
    """How long a declined ``retry_on_decline`` payment waits for another card (a durable
    timer); nothing is held meanwhile, so this bounds only how long the payment stays open."""

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

    def resolved_processors(self) -> list[ProcessorEndpoint]:
        """The processors to route between."""
        return self.processors or [ProcessorEndpoint(name="primary", url=self.processor_url)]

    def processor_order(self) -> tuple[str, ...]:
        """Processor names by priority (then name): the order a new payment records and tries.
        An open breaker is skipped at call time (the authorize activity fails fast)."""
        ordered = sorted(self.resolved_processors(), key=lambda p: (p.priority, p.name))
        return tuple(p.name for p in ordered)

    def processor_rate(self, processor: ProcessorEndpoint) -> float:
        """Calls per second ``processor`` may get from all workers together."""
        return processor.rate_per_second or self.processor_rate_per_second

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

    def database(self) -> Database:
        """Where the shared stores live.

        Raises:
            DatabaseUnavailable: ``database_url`` is set but malformed.
        """
        files = {
            "vault": self.resolved_vault_db(),
            "merchants": self.resolved_merchants_db(),
            "api": self.run_dir / "api.db",
            "findings": self.run_dir / "reconciliation.db",
            "refunds": self.run_dir / "refunds.db",
        }
        url = self.database_url.get_secret_value() if self.database_url else None
        return database(url, files)
