"""The local stack's HTTP API: its command, its demo merchants and their keys.

``make up`` creates ``merchant_a`` and ``merchant_b`` once: keys are generated, stored hashed in
``merchants.db`` and in plain text in ``<run>/api-keys.json`` (mode 0600, the run folder is
0700) so the demo and the CLI can use them. Later runs reuse the keys in that file.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infra.api_keys import API_KEYS_FILE
from infra.keyring import load_keyring, write_private
from stack import checks
from stack.commands import child_env
from stores import pg
from stores.database import Database
from stores.merchants import new_api_key, open_directory

DEMO_MERCHANTS = ("merchant_a", "merchant_b")


def api_spec(port: int, settings: Mapping[str, str]) -> dict[str, Any]:
    """Arguments for the stack's ``Component`` that serves the API on 127.0.0.1:``port``."""
    url = f"http://127.0.0.1:{port}"
    return {
        "name": "api",
        "argv": [sys.executable, "-m", "api"],
        "env": child_env({**settings, "PAYMENTS_API_PORT": str(port)}),
        "healthy": lambda _record: checks.http_ok(f"{url}/readyz"),
        "ports": {"API_PORT": port},
        "url": f"{url} (docs {url}/docs)",
    }


def ensure_api_keys(run_dir: Path, db: Database | None = None) -> dict[str, str]:
    """Keys of the demo merchants: created once, registered (hashed) on every run.

    In ``db`` (default: ``merchants.db`` in the run folder).
    """
    path = run_dir / API_KEYS_FILE
    keys: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [m for m in DEMO_MERCHANTS if m not in keys]
    for merchant in missing:
        keys[merchant] = new_api_key()
    if missing:
        write_private(path, json.dumps(keys, indent=2) + "\n")
    db = db or Database(sqlite_files={"merchants": run_dir / "merchants.db"})
    asyncio.run(_register(db, run_dir / "vault-key.json", keys))
    return keys


async def _register(db: Database, keyring_file: Path, keys: Mapping[str, str]) -> None:
    directory = await open_directory(db, load_keyring(keyring_file))
    for merchant, key in keys.items():
        await directory.add_merchant(merchant, key)
    await pg.close_all()


def print_api(port: int, run_dir: Path, keys: Mapping[str, str]) -> None:
    """Where the API is and the demo merchants' keys (test keys of a local stack)."""
    print(f"HTTP API       http://127.0.0.1:{port}  (docs http://127.0.0.1:{port}/docs)")
    for merchant, key in keys.items():
        print(f"  {merchant:<12} {key}")
    print(f"  keys file    {run_dir / API_KEYS_FILE}")
