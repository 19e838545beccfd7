"""CPU accounting of a throwaway stack: its process groups, and its PostgreSQL cluster."""

from __future__ import annotations

import os
from pathlib import Path

from stack.postgres import PostgresCluster

_CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat(pid_dir: Path) -> list[str] | None:
    try:
        return pid_dir.joinpath("stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None  # exited while we looked


def group_cpu_seconds(pgid: int) -> float:
    """User plus system CPU of every live process in process group ``pgid``."""
    total = 0
    for pid_dir in Path("/proc").glob("[0-9]*"):
        fields = _stat(pid_dir)
        # After the command name: state, ppid, pgrp, ... utime (index 11), stime (index 12).
        if fields is not None and int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / _CLK_TCK


def postgres_cpu_seconds(cluster: PostgresCluster) -> float:
    """CPU of the cluster: the postmaster, its live children, and the children it has reaped.

    Every backend is a child of the postmaster in a session of its own, so a process group does
    not hold them; a backend that ended is counted in the postmaster's children's time.
    """
    info = cluster.info
    pid_file = Path(info.data_dir) / "postmaster.pid" if info else None
    try:
        postmaster = int(pid_file.read_text().split()[0]) if pid_file else 0
    except (OSError, ValueError, IndexError):
        return 0.0
    ticks = 0
    for pid_dir in Path("/proc").glob("[0-9]*"):
        fields = _stat(pid_dir)
        if fields is None:
            continue
        # After the command name: state, ppid, ... utime (11), stime (12), cutime, cstime.
        if int(pid_dir.name) == postmaster:
            ticks += sum(int(f) for f in fields[11:15])
        elif int(fields[1]) == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / _CLK_TCK
