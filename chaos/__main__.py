"""``python -m chaos``: payments under worker and server kills and processor faults, checked.

Examples:
    python -m chaos                              # the full run (make chaos)
    python -m chaos --quick                      # 30 payments, 5 worker kills, 1 restart
    python -m chaos --quick --unsafe-no-idempotency --expect-failures   # (make chaos-unsafe)
    python -m chaos --secondary stripe           # or SECONDARY_PROCESSOR=stripe make chaos
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

from chaos import report
from chaos.checks import DUPLICATES
from chaos.run import Options, run
from infra.exits import exit_now

RESULTS = Path(__file__).resolve().parent / "results"
QUICK = {"payments": 30, "worker_kills": 5, "server_restarts": 1, "gap": (2.0, 5.0),
         "settle_seconds": 120.0}  # fmt: skip


def parse(argv: list[str]) -> argparse.Namespace:
    """Command-line options; ``--quick`` changes the defaults of the others."""
    p = argparse.ArgumentParser(prog="python -m chaos", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--quick", action="store_true", help="the small run that make test uses")
    p.add_argument("--payments", type=int, help="payments to drive [200; quick 30]")
    p.add_argument("--workers", type=int, default=2, help="worker processes [2]")
    p.add_argument("--worker-kills", type=int, help="worker SIGKILL events [30; quick 5]")
    p.add_argument("--server-restarts", type=int, help="dev server SIGKILLs [3; quick 1]")
    p.add_argument("--seed", type=int, default=7, help="seeds plans, kills and faults [7]")
    p.add_argument(
        "--unsafe-no-idempotency",
        action="store_true",
        help="workers send a random idempotency key per attempt (must fail)",
    )
    p.add_argument(
        "--expect-failures",
        action="store_true",
        help="exit 0 only if some check fails (proves the harness can fail)",
    )
    p.add_argument(
        "--settle-seconds",
        type=float,
        help="how long payments may take to settle after the chaos [180; quick 120]",
    )
    p.add_argument(
        "--secondary",
        choices=("simulator", "stripe"),
        default=os.environ.get("SECONDARY_PROCESSOR") or "simulator",
        help="the secondary processor: a simulator, or localstripe behind the Stripe connector "
        "[$SECONDARY_PROCESSOR or simulator]",
    )
    p.add_argument("--results", type=Path, default=RESULTS, help="where JSON reports go")
    return p.parse_args(argv)


def options(args: argparse.Namespace) -> Options:
    """Options from the command line, quick defaults first."""
    base = Options(**QUICK) if args.quick else Options()  # type: ignore[arg-type]
    given = {"payments": args.payments, "worker_kills": args.worker_kills,
             "server_restarts": args.server_restarts,
             "settle_seconds": args.settle_seconds}  # fmt: skip
    return Options(**{**base.__dict__, **{k: v for k, v in given.items() if v is not None},
                      "workers": args.workers, "seed": args.seed,
                      "unsafe": args.unsafe_no_idempotency,
                      "secondary": args.secondary})  # fmt: skip


def quiet_sdk_core() -> None:
    """Keep the client's expected retry warnings during server restarts out of the report."""
    telemetry = TelemetryConfig(logging=LoggingConfig(filter=TelemetryFilter("ERROR", "ERROR")))
    Runtime.set_default(Runtime(telemetry=telemetry), error_if_already_set=False)


def main(argv: list[str]) -> int:
    """Run, print the report; 0 if every check passed (inverted by ``--expect-failures``)."""
    args = parse(argv)
    quiet_sdk_core()
    opts = options(args)
    print(f"chaos: {opts}", flush=True)
    out = asyncio.run(run(opts, args.results))
    print(report.text(out), flush=True)
    if args.expect_failures:
        caught = any(c["name"] == DUPLICATES and not c["passed"] for c in out["checks"])
        print(f"expected duplicate effects: {'REPORTED' if caught else 'NOT REPORTED'}")
        return 0 if caught else 1
    return 0 if out["passed"] else 1


if __name__ == "__main__":
    code = main(sys.argv[1:])
    exit_now(code)
