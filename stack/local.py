"""The local stack's layout and components, configured from environment variables."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from infra.settings import Settings
from stack import checks, localdb, secondary, variables
from stack.api import api_spec
from stack.build_id import code_build_id
from stack.codec import DEFAULT_PORT, codec_spec, path_secret, ui_codec_args
from stack.commands import (
    REPO_ROOT,
    child_env,
    dev_server_command,
    simulator_command,
    worker_command,
    worker_settings,
)
from stack.pidfile import PidRecord

WORKER_READY = "worker ready"


@dataclass(frozen=True)
class StackConfig:
    """Where the stack keeps its files and which ports it uses."""

    run_dir: Path
    temporal_port: int = 7233
    ui_port: int = 8233
    simulator_port: int = 8081
    secondary_port: int = 8082
    secondary_processor: str = "simulator"
    """``simulator`` or ``stripe`` (localstripe behind the Stripe connector)."""
    worker_count: int = 1
    codec_port: int = DEFAULT_PORT
    api_port: int = 8000
    metrics_port: int = 9464
    """Worker i serves business metrics on ``metrics_port + 2(i-1)``, SDK metrics on the next."""
    timeout: float = 60.0
    """Seconds ``up`` waits for each component to become healthy."""
    db: str = "sqlite"
    """``sqlite`` (files in the run folder) or ``postgres`` (the stack's own cluster)."""
    build_id: str = ""
    """The workers' build id; empty: a digest of the workflow code (``stack.build_id``)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> StackConfig:
        """Read the variables of ``stack.variables.VARIABLES``; unset ones keep their default.

        Raises:
            ValueError: A port, count or timeout is not a number.
        """
        run_dir = Path(env.get("PAYMENTS_RUN_DIR") or REPO_ROOT / ".run")
        return cls(run_dir=run_dir.resolve(), **variables.read(env))  # type: ignore[arg-type]

    @property
    def logs(self) -> Path:
        """Folder of one log file per component."""
        return self.run_dir / "logs"

    @property
    def pids(self) -> Path:
        """Folder of one pid file per running component."""
        return self.run_dir / "pids"

    @property
    def stripe_key_file(self) -> Path | None:
        """The Stripe test key's file when the secondary is Stripe, else None."""
        return secondary.key_file(self.run_dir) if self.secondary_processor == "stripe" else None

    @property
    def worker_build_id(self) -> str:
        """The build the stack's workers run as (Worker Versioning)."""
        return self.build_id or code_build_id()

    @property
    def deployment_name(self) -> str:
        """The workers' Worker Deployment (``PAYMENTS_WORKER_DEPLOYMENT_NAME`` passes through)."""
        default: str = Settings.model_fields["worker_deployment_name"].default
        return os.environ.get("PAYMENTS_WORKER_DEPLOYMENT_NAME", default)

    @property
    def temporal_address(self) -> str:
        """The dev server's gRPC address."""
        return f"127.0.0.1:{self.temporal_port}"


@dataclass
class Component:
    """One process of the stack and how to tell it is healthy."""

    name: str
    argv: list[str]
    env: dict[str, str]
    healthy: Callable[[PidRecord], bool]
    ports: dict[str, int] = field(default_factory=dict)
    """Ports it will bind, by the variable that sets them, to explain conflicts."""
    url: str = ""

    def log_file(self, cfg: StackConfig) -> Path:
        """Where its stdout and stderr go."""
        return cfg.logs / f"{self.name}.log"

    def pid_file(self, cfg: StackConfig) -> Path:
        """Where ``up`` records its pid and command."""
        return cfg.pids / f"{self.name}.pid"


def components(cfg: StackConfig) -> list[Component]:
    """Codec server, dev server, simulator and workers, in start order."""
    codec = Component(**codec_spec(cfg.codec_port, cfg.run_dir, cfg.ui_port))
    temporal = Component(
        name="temporal",
        argv=dev_server_command(
            port=cfg.temporal_port,
            ui_port=cfg.ui_port,
            db_file=cfg.run_dir / "temporal.db",
            extra_args=ui_codec_args(cfg.codec_port, path_secret(cfg.run_dir)),
        ),
        env=child_env(),
        healthy=lambda _r: checks.temporal_healthy(cfg.temporal_address),
        ports={"TEMPORAL_PORT": cfg.temporal_port, "TEMPORAL_UI_PORT": cfg.ui_port},
        url=f"gRPC {cfg.temporal_address}, Web UI http://127.0.0.1:{cfg.ui_port}",
    )
    simulator = simulator_component(
        cfg,
        name="simulator",
        port=cfg.simulator_port,
        port_var="SIMULATOR_PORT",
        ledger="simulator",
    )
    # Only the processes that use the stores get the database URL (it holds the password).
    settings = {**stack_settings(cfg), **localdb.database_env(cfg.run_dir, cfg.db)}
    workers = [worker_component(cfg, settings, i) for i in range(1, cfg.worker_count + 1)]
    api = Component(**api_spec(cfg.api_port, settings))
    return [codec, temporal, simulator, secondary_component(cfg), *workers, api]


def secondary_component(cfg: StackConfig) -> Component:
    """A second, independent processor that payments fail over to: a simulator with its own
    ledger, or localstripe (``SECONDARY_PROCESSOR=stripe``)."""
    if cfg.stripe_key_file is not None:
        return Component(**secondary.localstripe_spec(cfg.secondary_port))
    return simulator_component(
        cfg,
        name="simulator-secondary",
        port=cfg.secondary_port,
        port_var="SECONDARY_SIMULATOR_PORT",
        ledger="secondary",
    )


def stack_settings(cfg: StackConfig) -> dict[str, str]:
    """The ``PAYMENTS_*`` variables that point a worker, the API or ``starter.py`` at the stack."""
    settings = worker_settings(
        temporal_port=cfg.temporal_port,
        simulator_port=cfg.simulator_port,
        run_dir=cfg.run_dir,
        secondary_port=cfg.secondary_port,
        stripe_key_file=cfg.stripe_key_file,
    )
    # A local stack for development: webhooks may go to 127.0.0.1 (off by default, see SSRF).
    settings["PAYMENTS_WEBHOOK_ALLOW_PRIVATE_TARGETS"] = "true"
    return settings


def worker_metrics_ports(cfg: StackConfig, index: int) -> tuple[int, int]:
    """Business and SDK metrics ports of worker ``index`` (from 1)."""
    base = cfg.metrics_port + 2 * (index - 1)
    return base, base + 1


def worker_component(cfg: StackConfig, settings: dict[str, str], index: int) -> Component:
    """One worker, with its own metrics ports so several can run side by side."""
    business, sdk = worker_metrics_ports(cfg, index)
    ports = {"PAYMENTS_METRICS_PORT": str(business), "PAYMENTS_SDK_METRICS_PORT": str(sdk)}
    # Versioned like production; one build at a time, so each worker makes its build current.
    version = {
        "PAYMENTS_WORKER_BUILD_ID": cfg.worker_build_id,
        "PAYMENTS_WORKER_MAKE_CURRENT": "true",
    }
    return Component(
        name=f"worker-{index}",
        argv=worker_command(),
        env=child_env({**settings, **ports, **version}),
        healthy=_worker_healthy,
        ports={"METRICS_PORT": business, "METRICS_PORT+1": sdk},
        url=f"metrics http://127.0.0.1:{business}/metrics, SDK http://127.0.0.1:{sdk}/metrics",
    )


def simulator_component(
    cfg: StackConfig, *, name: str, port: int, port_var: str, ledger: str
) -> Component:
    """A card-processor simulator on ``port`` with its own ledger ``<run>/<ledger>.db``."""
    url = f"http://127.0.0.1:{port}"
    return Component(
        name=name,
        argv=simulator_command(port=port, db_file=cfg.run_dir / f"{ledger}.db"),
        env=child_env(),
        healthy=lambda _r: checks.http_ok(f"{url}/healthz"),
        ports={port_var: port},
        url=url,
    )


def _worker_healthy(record: PidRecord) -> bool:
    return checks.log_contains(Path(record.log_file), WORKER_READY, record.log_offset)
