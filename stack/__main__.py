"""Run the local stack in the background: python -m stack up|down|status|clean.

up starts the codec server, the Temporal dev server (its Web UI decrypting through the codec
server), the primary card-processor simulator, the secondary processor (a second simulator, or
localstripe behind the Stripe connector with SECONDARY_PROCESSOR=stripe), the workers and the
merchant HTTP API, detached so they outlive make, and waits until each is healthy. It is
idempotent: healthy components it started before are left alone. down stops exactly what up
started (by pid file, checking the command line so a recycled pid is never signalled) and is
safe to run twice. status reports each component. With DB=postgres, up first starts a
PostgreSQL cluster of the stack's own in <run>/postgres (reused while it runs) and every store
uses it; down stops it, keeping its data; clean (`make clean`) deletes it.

Environment variables (defaults in brackets; the table is stack/variables.py):
    PAYMENTS_RUN_DIR          run folder: logs/, pids/, databases, keys [<repo>/.run]
    TEMPORAL_PORT             dev server gRPC port [7233]
    TEMPORAL_UI_PORT          dev server Web UI port [8233]
    SIMULATOR_PORT            primary processor simulator HTTP port [8081]
    SECONDARY_SIMULATOR_PORT  secondary processor HTTP port (the simulator, or localstripe) [8082]
    SECONDARY_PROCESSOR       simulator, or stripe: localstripe via the Stripe connector [simulator]
    WORKER_COUNT              number of worker processes [1]
    CODEC_PORT                codec server HTTP port [8234]
    API_PORT                  merchant HTTP API port [8000]
    METRICS_PORT              first worker metrics port; two per worker (business, SDK) [9464]
    STACK_TIMEOUT             seconds to wait for each component to become healthy [60]
    DB                        stores: sqlite files, or postgres (cluster in <run>/postgres) [sqlite]
    PAYMENTS_WORKER_BUILD_ID  workers' Worker Versioning build, made current [<code digest>]

Workers and the API get PAYMENTS_TEMPORAL_ADDRESS, PAYMENTS_PROCESSOR_URL, PAYMENTS_PROCESSORS
and PAYMENTS_RUN_DIR pointing at this stack, and PAYMENTS_DATABASE_URL with DB=postgres (up
prints it masked); any other PAYMENTS_* variable set here passes through. Workers run versioned
(PAYMENTS_WORKER_BUILD_ID, each makes its build current). up prints the export lines that point
starter.py at this stack.
"""

from __future__ import annotations

import sys

from infra.exits import exit_now
from stack import localdb
from stack.local import StackConfig, components
from stack.pidfile import PidRecord, is_ours, stop
from stack.runner import StackError, up

USAGE = "usage: python -m stack up|down|status|clean"
# Workers drain in-flight tasks on SIGTERM (graceful_shutdown_seconds, 10 s by default).
STOP_TIMEOUT = 20.0


def down(cfg: StackConfig) -> None:
    """Stop every component ``up`` recorded, workers first, and remove the pid files."""
    # Workers first and the server last, so workers can drain against a live server.
    files = sorted(
        cfg.pids.glob("*.pid"),
        key=lambda p: (p.stem == "temporal", not p.stem.startswith("worker"), p.stem),
    )
    if not files and localdb.cluster(cfg.run_dir).info is None:
        print("nothing to stop")
    for path in files:
        record = PidRecord.read(path)
        if record is not None and stop(record, STOP_TIMEOUT):
            print(f"{path.stem}: stopped (pid {record.pid})")
        else:
            print(f"{path.stem}: not running (stale pid file removed)")
        path.unlink(missing_ok=True)
    # Last: the workers and the API may still write to it while they drain.
    localdb.stop(cfg.run_dir)


def status(cfg: StackConfig) -> int:
    """Print each component's state; return 0 if all are running and healthy."""
    names = {c.name: c for c in components(cfg)}
    extra = sorted(p.stem for p in cfg.pids.glob("*.pid") if p.stem not in names)
    code = 0
    for name in [*names, *extra]:
        record = PidRecord.read(cfg.pids / f"{name}.pid")
        comp = names.get(name)
        if record is None or not is_ours(record):
            state, code = "stopped", 1
        elif comp is not None and not comp.healthy(record):
            state, code = f"running, NOT healthy (pid {record.pid})", 1
        else:
            state = f"running, healthy (pid {record.pid})"
        url = f"  {comp.url}" if comp is not None and comp.url else ""
        print(f"{name:<11} {state}{url}")
    database = localdb.status(cfg.run_dir)
    if database is not None:
        print(database[0])
        # A cluster left from an earlier DB=postgres run counts only when it is asked for.
        code = max(code, database[1] if cfg.db == localdb.POSTGRES else 0)
    print(f"logs: {cfg.logs}")
    return code


def main(argv: list[str]) -> int:
    """Dispatch the sub-command; return the exit status."""
    if argv in (["-h"], ["--help"]):
        print(f"{USAGE}\n\n{__doc__}")
        return 0
    if len(argv) != 1 or argv[0] not in ("up", "down", "status", "clean"):
        print(f"{USAGE} (--help lists the environment variables)", file=sys.stderr)
        return 2
    try:
        cfg = StackConfig.from_env()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if argv[0] == "up":
            up(cfg, timeout=cfg.timeout)
        elif argv[0] == "down":
            down(cfg)
        elif argv[0] == "clean":
            # The cluster's data may live outside the run folder (as root, see stack.postgres).
            localdb.remove(cfg.run_dir)
        else:
            return status(cfg)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    exit_now(code)
