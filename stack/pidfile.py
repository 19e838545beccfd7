"""Pid files for detached processes, and stopping them without ever hitting a recycled pid."""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class PidRecord:
    """What ``up`` started: enough to recognise the process later and judge its health."""

    name: str
    pid: int
    argv: list[str]
    log_file: str
    log_offset: int
    start_ticks: int | None = None
    """Kernel start time of ``pid``: with the argv it tells our process from a recycled pid."""

    @classmethod
    def of(cls, name: str, pid: int, argv: list[str], log_file: Path, offset: int) -> PidRecord:
        """A record for a process just started, stamped with its kernel start time."""
        return cls(name, pid, argv, str(log_file), offset, start_ticks(pid))

    def write(self, path: Path) -> None:
        """Write the record atomically, so a reader never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n")
        os.replace(tmp, path)

    @classmethod
    def read(cls, path: Path) -> PidRecord | None:
        """The record in ``path``, or None if it is missing or unreadable."""
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the parenthesised name, which may itself contain ") ": state is [0].
    return stat.rpartition(")")[2].split()


def start_ticks(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks since boot (None if it is gone)."""
    fields = _stat_fields(pid)
    return int(fields[19]) if fields else None


def cmdline(pid: int) -> list[str] | None:
    """The argv of a live (non-zombie) process, or None if there is none."""
    fields = _stat_fields(pid)
    if not fields or fields[0] in ("Z", "X"):
        return None
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0")[:-1]]


def is_ours(record: PidRecord) -> bool:
    """True if ``record.pid`` is alive and still the very process we started."""
    if cmdline(record.pid) != record.argv:
        return False
    return record.start_ticks is None or start_ticks(record.pid) == record.start_ticks


def stop(record: PidRecord, timeout: float = 10.0) -> bool:
    """SIGTERM our process group, SIGKILL it after ``timeout``; False if it was not ours."""
    if not is_ours(record):
        return False
    _signal(record.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_ours(record):
            return True
        time.sleep(0.1)
    _signal(record.pid, signal.SIGKILL)
    # Bounded: a process stuck in the kernel (state D) cannot be waited out.
    deadline = time.monotonic() + 5.0
    while is_ours(record) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def _signal(pid: int, sig: int) -> None:
    # The whole group, so helpers it spawned go too; `up` made it a group leader.
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass
