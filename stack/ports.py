"""Free TCP ports for local servers, reserved across processes until a server can bind them.

Ports for our servers come from below the ephemeral range, which outgoing connections take their
local ports from: a port the OS handed out as free (bind to 0) could be the local port of some
connection by the time a server starts on it. Parallel test workers and the stacks they start
each pick ports on their own, so a pick is also reserved with a file that only one process can
create; two processes never hand out the same port while either may still be about to bind it.
"""

from __future__ import annotations

import os
import random
import socket
import tempfile
import time
from pathlib import Path

_SERVER_PORTS = range(20000, 32768)
_EPHEMERAL_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
# A server binds its port within seconds of the pick; after that the bind itself keeps others off.
_RESERVATION_SECONDS = 300
_RESERVATIONS = Path(tempfile.gettempdir()) / f"payments-ports-{os.getuid()}"


def _below_ephemeral() -> bool:
    try:
        return int(_EPHEMERAL_FILE.read_text().split()[0]) >= _SERVER_PORTS.stop
    except (OSError, ValueError, IndexError):
        return False


def _reserve(port: int) -> bool:
    """True if this process now holds the reservation of ``port`` (no live one by another)."""
    _RESERVATIONS.mkdir(mode=0o700, exist_ok=True)
    path = _RESERVATIONS / str(port)
    for _ in range(2):
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return True
        except FileExistsError:
            try:
                if time.time() - path.stat().st_mtime < _RESERVATION_SECONDS:
                    return False
                path.unlink()
            except FileNotFoundError:
                continue
    return False


def _pick() -> int:
    if _below_ephemeral():
        rng = random.SystemRandom()
        for _ in range(200):
            port = rng.choice(_SERVER_PORTS)
            if port_free(port) and _reserve(port):
                return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now and that no other process was handed recently."""
    return _pick()


def free_port_run(count: int) -> int:
    """The first of ``count`` consecutive free TCP ports on 127.0.0.1, all reserved.

    For settings that take a base port and use the ones after it (``METRICS_PORT``).
    """
    for _ in range(50):
        base = _pick()
        rest = range(base + 1, base + count)
        if base + count <= 65536 and all(port_free(p) and _reserve(p) for p in rest):
            return base
    raise OSError(f"no {count} consecutive free ports found")


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """True if a server could bind ``host:port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Servers set SO_REUSEADDR, so lingering TIME_WAIT sockets must not count as taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
