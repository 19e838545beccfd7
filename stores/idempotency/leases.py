"""Who holds an idempotency key: the owner a claim names, and whether that owner is still there."""

from __future__ import annotations

import itertools
import os
import secrets
import socket

# This process, as claims name it: a pid alone may be reused by the next process (pid 1 in a
# container), the random part never is.
_PROCESS = secrets.token_hex(8)
_HOST = socket.gethostname()
_CLAIMS = itertools.count(1)


def new_owner() -> tuple[str, str, int]:
    """A fresh claim's owner id (unique per claim), and this process's host and pid."""
    return f"{_PROCESS}.{next(_CLAIMS)}", _HOST, os.getpid()


def held(
    within_deadline: bool,
    now: float,
    owner: str | None,
    host: str | None,
    pid: int | None,
    lease_until: float | None,
) -> bool:
    """Whether an in-flight claim still belongs to a working request.

    Args:
        within_deadline: The claim is younger than the longest any request works.
        now: The current time (epoch seconds).
        owner: The claim's owner id (None for claims made before leases existed).
        host: The owner's host name.
        pid: The owner's process id.
        lease_until: When the owner's lease lapses unless renewed.
    """
    if not within_deadline:
        return False  # no request works this long: its owner is stuck or gone
    if owner is None or lease_until is None:
        return True  # claimed before leases existed: only the deadline frees it
    if host == _HOST and not _alive(owner, pid):
        return False  # killed on this host: take over at once
    return now < lease_until


def _alive(owner: str, pid: int | None) -> bool:
    """Whether the process that made a claim on this host still runs."""
    if pid is None:
        return True
    if pid == os.getpid():
        return owner.split(".")[0] == _PROCESS  # same pid, another process: the old one died
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, under another user
    return True
