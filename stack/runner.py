"""``up``: bring the local stack to healthy, starting only what is not already running."""

from __future__ import annotations

import shlex
import time
from pathlib import Path

from infra.keyring import ensure_keyring
from stack import localdb, secondary
from stack.api import ensure_api_keys, print_api
from stack.codec import TOKENS_FILE, ensure_tokens_file
from stack.commands import REPO_ROOT
from stack.local import (
    Component,
    StackConfig,
    components,
    stack_settings,
    worker_metrics_ports,
)
from stack.pidfile import PidRecord, is_ours
from stack.ports import free_port, port_free
from stack.procs import ManagedProcess, NotReady, log_tail


class StackError(Exception):
    """The stack could not be brought up; the message says what to do."""


def up(cfg: StackConfig, timeout: float = 60.0) -> None:
    """Create the run folder and keys, start every component and wait until it is healthy."""
    for folder in (cfg.run_dir, cfg.logs, cfg.pids):
        folder.mkdir(parents=True, exist_ok=True)
    # Keys, tokens, the codec path secret and pid files (which hold command lines) live here.
    cfg.run_dir.chmod(0o700)
    ensure_tokens_file(cfg.run_dir)
    for name in ("codec-keys.json", "vault-key.json"):
        # Creates the file with mode 0600; key material is never printed.
        if ensure_keyring(cfg.run_dir / name):
            print(f"created key file {cfg.run_dir / name}")
    # Before the merchants are registered and before any component: they all use the stores.
    localdb.ensure(cfg.run_dir, cfg.db)
    keys = ensure_api_keys(cfg.run_dir, localdb.stores_database(cfg.run_dir, cfg.db))
    if cfg.stripe_key_file is not None and secondary.ensure_key(cfg.run_dir):
        print(f"created Stripe test key file {cfg.stripe_key_file} (for localstripe)")
    comps = components(cfg)
    # Check every port first, so a conflict does not leave half a stack running.
    for comp in comps:
        _check_ports(cfg, comp)
    for comp in comps:
        _ensure(cfg, comp, timeout)
    print(f"Temporal gRPC  127.0.0.1:{cfg.temporal_port}")
    print(f"Temporal UI    http://127.0.0.1:{cfg.ui_port}")
    print(f"Simulator      http://127.0.0.1:{cfg.simulator_port} (primary)")
    if cfg.stripe_key_file is None:
        print(f"Simulator      http://127.0.0.1:{cfg.secondary_port} (secondary)")
    else:
        print(f"localstripe    http://127.0.0.1:{cfg.secondary_port} (secondary, processor "
              f"'stripe', Stripe connector, key in {cfg.stripe_key_file})")  # fmt: skip
    print(f"Logs           {cfg.logs}")
    print(f"Workers        build {cfg.worker_build_id}, current in Worker Deployment "
          f"{cfg.deployment_name} (temporal worker deployment describe --name "
          f"{cfg.deployment_name})")  # fmt: skip
    for line in localdb.describe(cfg.run_dir, cfg.db):
        print(line)
    _print_metrics(cfg)
    _print_codec(cfg)
    print_api(cfg.api_port, cfg.run_dir, keys)
    print_starter(cfg)


def print_starter(cfg: StackConfig) -> None:
    """The exact environment that points ``starter.py`` (direct mode) at this stack."""
    print("starter.py     on Temporal directly, with this stack's settings (ports included):")
    for name, value in stack_settings(cfg).items():
        print(f"  export {name}={shlex.quote(value)}")
    database = localdb.export_line(cfg.run_dir, cfg.db)
    if database is not None:
        print(f"  {database}")
    print("  .venv/bin/python starter.py list --status requires_capture")
    print(f"  or through the API: .venv/bin/python starter.py --api http://127.0.0.1:{cfg.api_port}"
          " --merchant merchant_a list")  # fmt: skip


def _print_metrics(cfg: StackConfig) -> None:
    for i in range(1, cfg.worker_count + 1):
        business, sdk = worker_metrics_ports(cfg, i)
        print(f"Metrics        worker-{i} http://127.0.0.1:{business}/metrics (business), "
              f"http://127.0.0.1:{sdk}/metrics (Temporal SDK)")  # fmt: skip
    sims = f"http://127.0.0.1:{cfg.simulator_port}/metrics"
    if cfg.stripe_key_file is None:
        sims = f"simulators {sims}, :{cfg.secondary_port}/metrics"
    else:
        sims = f"simulator {sims}"
    print(f"Metrics        API http://127.0.0.1:{cfg.api_port}/metrics, {sims}")


def _print_codec(cfg: StackConfig) -> None:
    tokens = cfg.run_dir / TOKENS_FILE
    print(f"Codec server   http://127.0.0.1:{cfg.codec_port} (the Web UI decrypts through it)")
    print("CLI            temporal workflow show --workflow-id <pay_…> \\")
    print(f"                 --codec-endpoint http://127.0.0.1:{cfg.codec_port} \\")
    print('                 --codec-auth "Bearer <token>"')
    print(f"  a token:     python -m codec_server.tokens add <name> --role reader --file {tokens}")


def _ensure(cfg: StackConfig, comp: Component, timeout: float) -> None:
    pid_file = comp.pid_file(cfg)
    record = PidRecord.read(pid_file)
    if record is not None and is_ours(record):
        _await_existing(comp, record, timeout)
        print(f"{comp.name}: already running and healthy (pid {record.pid}), left alone")
        return
    pid_file.unlink(missing_ok=True)
    _start(cfg, comp, timeout)


def _check_ports(cfg: StackConfig, comp: Component) -> None:
    record = PidRecord.read(comp.pid_file(cfg))
    if record is not None and is_ours(record):
        return
    for var, port in comp.ports.items():
        if not port_free(port):
            raise StackError(
                f"{comp.name}: port {port} ({var}) is in use by another program; "
                f"stop it or choose another port, e.g. {var}={free_port()} make up"
            )


def _start(cfg: StackConfig, comp: Component, timeout: float) -> None:
    proc = ManagedProcess(
        comp.name, comp.argv, log_file=comp.log_file(cfg), env=comp.env, cwd=REPO_ROOT
    ).start()
    assert proc.pid is not None
    record = PidRecord.of(comp.name, proc.pid, comp.argv, proc.log_file, proc.log_offset)
    record.write(comp.pid_file(cfg))
    try:
        took = proc.wait_ready(lambda: comp.healthy(record), timeout)
    except NotReady as exc:
        if not proc.alive:
            comp.pid_file(cfg).unlink(missing_ok=True)
        raise StackError(f"{exc}\n(`make down` stops whatever did start)") from None
    print(f"{comp.name}: started (pid {proc.pid}), healthy after {took:.1f}s")


def _await_existing(comp: Component, record: PidRecord, timeout: float) -> None:
    # It may still be starting (an earlier `up` was interrupted), so give it the usual time.
    deadline = time.monotonic() + timeout
    while not comp.healthy(record):
        if not is_ours(record) or time.monotonic() > deadline:
            raise StackError(
                f"{comp.name} (pid {record.pid}) is running but not healthy; read "
                f"{record.log_file}, then `make down` and `make up`\n{_tail(record)}"
            )
        time.sleep(0.2)


def _tail(record: PidRecord) -> str:
    return log_tail(Path(record.log_file))
