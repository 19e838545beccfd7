"""The configurations a benchmark run compares, each on its own fresh stack."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from stack.commands import SQLITE_PRAGMAS
from stack.throwaway import StackSpec

# The worker knobs as they were before tuning, spelled out so the "before" configurations do
# not silently follow the tuned defaults in infra/settings.py.
UNTUNED_WORKER = {
    "PAYMENTS_POLLER_AUTOSCALING": "false",
    "PAYMENTS_EAGER_ACTIVITIES": "true",
    "PAYMENTS_MAX_POLLERS": "5",
    "PAYMENTS_MAX_CONCURRENT_WORKFLOW_TASKS": "20",
    "PAYMENTS_MAX_CONCURRENT_ACTIVITIES": "50",
    "PAYMENTS_MAX_CACHED_WORKFLOWS": "1000",
}
# The product's worker plus the baseline worker in one process (bench/worker.py).
BENCH_WORKER = (sys.executable, "-m", "bench.worker")
ALL_NORMAL = {"BENCH_LOCAL_STEPS": ""}
ALL_LOCAL = {"BENCH_LOCAL_STEPS": "balance,authorize,capture,void,refund"}


@dataclass(frozen=True)
class Config:
    """A named stack configuration and what it changes."""

    name: str
    note: str
    spec: StackSpec
    versus: str = ""
    """A configuration this one is compared with, figure by figure, when both run."""


def _cfg(name: str, note: str, pragmas: tuple[str, ...], workers: int = 1, **env: str) -> Config:
    spec = StackSpec(pragmas=pragmas, workers=workers, worker_env=env, worker_argv=BENCH_WORKER)
    return Config(name, note, spec)


CONFIGS: dict[str, Config] = {
    c.name: c
    for c in (
        _cfg("untuned", "default SQLite, all normal activities, old worker knobs", (),
             **ALL_NORMAL, **UNTUNED_WORKER),
        _cfg("wal", "+ WAL, synchronous=normal", SQLITE_PRAGMAS, **ALL_NORMAL, **UNTUNED_WORKER),
        _cfg("wal-policy", "+ local steps per workflows/policies.py", SQLITE_PRAGMAS,
             **UNTUNED_WORKER),
        _cfg("tuned", "+ worker knobs of infra/settings.py (make up as shipped)",
             SQLITE_PRAGMAS),
        _cfg("tuned-no-eager", "tuned, eager activity dispatch off", SQLITE_PRAGMAS,
             PAYMENTS_EAGER_ACTIVITIES="false"),
        _cfg("tuned-fixed-pollers", "tuned, at most 5 pollers per kind, no autoscaling",
             SQLITE_PRAGMAS, PAYMENTS_POLLER_AUTOSCALING="false", PAYMENTS_MAX_POLLERS="5"),
        _cfg("tuned-autoscale", "tuned, pollers autoscaling up to 20 per kind", SQLITE_PRAGMAS,
             PAYMENTS_POLLER_AUTOSCALING="true", PAYMENTS_MAX_POLLERS="20"),
        _cfg("tuned-auth-local", "tuned, only balance and authorize local", SQLITE_PRAGMAS,
             BENCH_LOCAL_STEPS="balance,authorize"),
        _cfg("tuned-all-normal", "tuned, every step a normal activity", SQLITE_PRAGMAS,
             **ALL_NORMAL),
        _cfg("tuned-all-local", "tuned, every step a local activity", SQLITE_PRAGMAS,
             **ALL_LOCAL),
        _cfg("tuned-unsandboxed", "tuned, workflows outside the sandbox", SQLITE_PRAGMAS,
             BENCH_UNSANDBOXED="1"),
        _cfg("tuned-2-workers", "tuned, two worker processes", SQLITE_PRAGMAS, workers=2),
        Config("postgres", "tuned, every store (vault, merchants, API keys and index, findings) "
               "on a throwaway PostgreSQL", StackSpec(pragmas=SQLITE_PRAGMAS, database="postgres",
               worker_argv=BENCH_WORKER), versus="tuned"),
    )
}  # fmt: skip

DEFAULT_FULL = ("untuned", "wal", "wal-policy", "tuned", "postgres")
DEFAULT_QUICK = ("tuned",)
POSTGRES = ("tuned", "postgres")
"""Added by ``--postgres`` (a full run has both): the database variant and its SQLite pair."""
