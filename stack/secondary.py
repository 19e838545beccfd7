"""``SECONDARY_PROCESSOR=stripe``: localstripe as the secondary processor, and its test key.

The stack runs localstripe (``stack.localstripe``, 127.0.0.1, state in memory) on
``SECONDARY_SIMULATOR_PORT``; the workers and the API reach it through the Stripe connector
with a random ``sk_test_`` key kept in ``<run>/stripe-test-key`` (mode 0600, never printed).
localstripe accepts any key: the file is there so the connector is configured exactly as it
would be for a Stripe test account (``api_key_file``).
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

from infra.keyring import write_private
from stack import checks
from stack.commands import child_env

KEY_FILE = "stripe-test-key"
HEALTH_PATH = "/js.stripe.com/v3/"
"""The one path localstripe answers 200 without a key (its Stripe.js stand-in)."""


def key_file(run_dir: Path) -> Path:
    """Where the stack keeps localstripe's test key."""
    return run_dir / KEY_FILE


def ensure_key(run_dir: Path) -> bool:
    """Write a random test key (mode 0600) unless one is there; True if it was created."""
    path = key_file(run_dir)
    if path.exists():
        return False
    write_private(path, f"sk_test_{secrets.token_hex(24)}\n")
    return True


def localstripe_spec(port: int) -> dict[str, Any]:
    """Arguments for the stack's ``Component`` that runs localstripe on 127.0.0.1:``port``."""
    url = f"http://127.0.0.1:{port}"
    return {
        "name": "localstripe",
        "argv": [sys.executable, "-m", "stack.localstripe", "--port", str(port)],
        "env": child_env(),
        "healthy": lambda _record: checks.http_ok(f"{url}{HEALTH_PATH}"),
        "ports": {"SECONDARY_SIMULATOR_PORT": port},
        "url": f"{url} (localstripe, state in memory)",
    }
