"""The local stack's codec server: its files in the run folder, command line and endpoints.

The dev server's Web UI sends no credentials to a codec server, so locally the UI reaches it
through a per-installation secret path segment (reader role: decode only). Bearer tokens from
``codec-tokens.json`` serve the CLI and scripts.
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import Any

from infra.keyring import write_private
from stack import checks
from stack.commands import child_env

TOKENS_FILE = "codec-tokens.json"
PATH_SECRET_FILE = "codec-path-secret"  # noqa: S105 - a file name, not a secret
DEFAULT_PORT = 8234


def ensure_tokens_file(run_dir: Path) -> bool:
    """Create an empty tokens file (mode 0600) if absent; True if it created one."""
    path = run_dir / TOKENS_FILE
    if path.exists():
        return False
    write_private(path, json.dumps({"tokens": []}) + "\n")
    return True


def path_secret(run_dir: Path) -> str:
    """This installation's path secret, generated (mode 0600) on first use."""
    path = run_dir / PATH_SECRET_FILE
    if not path.exists():
        write_private(path, secrets.token_urlsafe(24) + "\n")
    return path.read_text().strip()


def ui_origins(ui_port: int) -> list[str]:
    """The origins a browser uses for the local Web UI."""
    return [f"http://127.0.0.1:{ui_port}", f"http://localhost:{ui_port}"]


def codec_server_command(
    *, port: int, run_dir: Path, keyring: Path, ui_port: int, namespace: str = "default"
) -> list[str]:
    """``python -m codec_server`` on 127.0.0.1:``port`` with the run folder's files."""
    origins = [arg for origin in ui_origins(ui_port) for arg in ("--ui-origin", origin)]
    return [
        *(sys.executable, "-m", "codec_server", "--host", "127.0.0.1", "--port", str(port)),
        *("--keyring", str(keyring), "--tokens", str(run_dir / TOKENS_FILE)),
        *("--path-secret-file", str(run_dir / PATH_SECRET_FILE)),
        *origins,
        *("--namespace", namespace),
    ]


def ui_codec_args(port: int, secret: str) -> list[str]:
    """Dev server flags that make its Web UI decode payloads through the codec server."""
    return ["--ui-codec-endpoint", f"http://127.0.0.1:{port}/{secret}"]


def codec_spec(port: int, run_dir: Path, ui_port: int) -> dict[str, Any]:
    """Arguments for the stack's ``Component`` of the codec server, which the Web UI and the
    CLI decrypt payloads through."""
    url = f"http://127.0.0.1:{port}"
    argv = codec_server_command(
        port=port, run_dir=run_dir, keyring=run_dir / "codec-keys.json", ui_port=ui_port
    )
    return {
        "name": "codec",
        "argv": argv,
        "env": child_env(),
        "healthy": lambda _record: checks.http_ok(f"{url}/healthz"),
        "ports": {"CODEC_PORT": port},
        "url": url,
    }
