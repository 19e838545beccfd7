"""Health predicates for ``ManagedProcess.wait_ready``: quick, blocking, never raising."""

from __future__ import annotations

import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from stack.commands import temporal_binary

Check = Callable[[], bool]


def tcp_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections at ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def http_ok(url: str, timeout: float = 1.0) -> bool:
    """True if a GET on ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - our own URL
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def log_contains(path: Path, text: str, offset: int = 0) -> bool:
    """True if ``text`` appears in ``path`` after byte ``offset``.

    The offset matters because logs are appended to across restarts: an old
    "ready" line must not make a fresh process look ready.
    """
    try:
        with path.open("rb") as f:
            f.seek(offset)
            return text.encode() in f.read()
    except OSError:
        return False


def temporal_healthy(address: str, namespace: str = "default", timeout: float = 5.0) -> bool:
    """True if the Temporal frontend at ``address`` serves and ``namespace`` exists.

    Uses the CLI rather than a temporalio client so sync callers need no event loop
    and the CLI process never loads the SDK's core runtime.
    """
    host, _, port = address.rpartition(":")
    if not tcp_open(host, int(port)):
        return False
    temporal = str(temporal_binary())
    probes = [
        [temporal, "operator", "cluster", "health", "--address", address],
        [temporal, "operator", "namespace", "describe", "-n", namespace, "--address", address],
    ]
    for argv in probes:
        try:
            done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
        except (subprocess.TimeoutExpired, OSError):
            return False
        if done.returncode != 0:
            return False
    return True


def all_of(*checks: Check) -> Check:
    """A check that passes when every one of ``checks`` passes."""
    return lambda: all(check() for check in checks)
