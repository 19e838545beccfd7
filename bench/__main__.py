"""``python -m bench``: payments against the bare baseline, one fresh stack per configuration.

Examples:
    python -m bench                          # full: untuned, wal, wal-policy, tuned, postgres
    python -m bench --quick                  # about two minutes: tuned only, small rounds
    python -m bench --quick --postgres       # + the stores on PostgreSQL, ratio to SQLite
    python -m bench --configs tuned,tuned-2-workers --concurrency 10,20,40
    python -m bench --quick --processor stripe   # localstripe behind the Stripe connector
    python -m bench --fairness               # only the fairness mix (full and quick include it)
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.configs import CONFIGS, DEFAULT_FULL, DEFAULT_QUICK, POSTGRES
from bench.fairness import PASSES, FairnessPlan, plan_for, run_fairness
from bench.fairness_report import fairness_table
from bench.load import MIXES
from bench.report import add_ratios, table
from bench.run import Plan, results_dir, run_config
from bench.versus import add_versus, versus_table
from infra.exits import exit_now


def parse(argv: list[str]) -> argparse.Namespace:
    """Command-line options; ``--quick`` changes the defaults of the others."""
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--quick", action="store_true", help="about 2 min: tuned, short fairness mix")
    p.add_argument("--configs", help=f"comma list or 'all' of: {', '.join(CONFIGS)}")
    p.add_argument("--mixes", default=",".join(MIXES), help="comma list of mixes")
    p.add_argument(
        "--postgres",
        action="store_true",
        help="also run the postgres configuration and tuned, its SQLite pair (a full run has both)",
    )
    p.add_argument("--concurrency", help="workflows in flight; a comma list sweeps [20]")
    p.add_argument("--count", type=int, help="workflows per mix per round [200; quick 80]")
    p.add_argument("--rounds", type=int, help="measured rounds, medians reported [3; quick 2]")
    p.add_argument("--warmup", type=int, help="warm-up workflows per mix [60; quick 30]")
    p.add_argument("--processor", choices=("simulator", "stripe"), default="simulator",
                   help="the only processor: the simulator, or localstripe behind the Stripe "
                   "connector [simulator]")  # fmt: skip
    p.add_argument("--fairness", action="store_true",
                   help="the fairness mix (bench/fairness.py): only it, unless --configs is "
                   "also given; a run without --configs includes it")  # fmt: skip
    p.add_argument("--fairness-seconds", type=float, help="its peak's length [32; quick 12]")
    p.add_argument("--fairness-partitions", type=int, help="its task queue partitions [1]")
    p.add_argument("--out", help="JSON file [bench/results/bench-<time>.json]")
    return p.parse_args(argv)


def plan_of(args: argparse.Namespace) -> tuple[list[str], Plan]:
    """Configurations and plan from the options."""
    names = args.configs or ",".join(DEFAULT_QUICK if args.quick else DEFAULT_FULL)
    configs = list(CONFIGS) if names == "all" else [n.strip() for n in names.split(",")]
    if args.fairness and not args.configs:
        configs = []
    if args.postgres:
        configs += [n for n in POSTGRES if n not in configs]
    unknown = [n for n in configs if n not in CONFIGS]
    mixes = tuple(m.strip() for m in args.mixes.split(",") if m.strip())
    if unknown or any(m not in MIXES for m in mixes):
        raise SystemExit(f"unknown configuration or mix: {unknown or mixes}")
    plan = Plan(
        mixes=mixes,
        concurrencies=tuple(int(c) for c in (args.concurrency or "20").split(",")),
        count=args.count or (80 if args.quick else 200),
        warmup=args.warmup if args.warmup is not None else (30 if args.quick else 60),
        rounds=args.rounds or (2 if args.quick else 3),
    )
    return configs, plan


def _log(line: str) -> None:
    print(line, flush=True)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {"cpus": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "load_avg_at_start": os.getloadavg()}  # fmt: skip


def write_json(path: Path, results: dict[str, Any]) -> None:
    """Write the results (all runs, rounds and medians) as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str))


async def run_one(name: str, plan: Plan, processor: str) -> dict[str, Any]:
    """One configuration on its own fresh stack."""
    cfg = CONFIGS[name]
    cfg = dataclasses.replace(cfg, spec=dataclasses.replace(cfg.spec, processor=processor))
    print(f"{name}: {cfg.note} (processor: {processor})", flush=True)
    return await run_config(cfg, plan, _log)


async def main(argv: list[str]) -> int:
    """Run every configuration, print the table, write the JSON; 1 if any workflow failed."""
    args = parse(argv)
    configs, plan = plan_of(args)
    started = time.monotonic()
    results: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                               "machine": machine(), "plan": plan.__dict__,
                               "processor": args.processor, "configs": {}}  # fmt: skip
    for name in configs:
        results["configs"][name] = await run_one(name, plan, args.processor)
    if args.fairness or not args.configs:
        results["fairness"] = await run_fairness(fairness_plan(args), _log)
    add_ratios(results)
    add_versus(results, {n: CONFIGS[n].versus for n in configs})
    results["seconds"] = round(time.monotonic() - started, 1)
    out = Path(args.out or results_dir() / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json")
    write_json(out, results)
    if results["configs"]:
        print(table(results))
    if versus_table(results):
        print(versus_table(results))
    if "fairness" in results:
        print(fairness_table(results["fairness"]))
    print(f"wrote {out} after {results['seconds']:.0f}s")
    return 1 if failures(results) else 0


def fairness_plan(args: argparse.Namespace) -> FairnessPlan:
    """The fairness mix's plan: quick or full sizes, with the options' overrides."""
    return plan_for(quick=args.quick, seconds=args.fairness_seconds,
                    partitions=args.fairness_partitions)  # fmt: skip


def failures(results: dict[str, Any]) -> int:
    """Failed workflows over every mix, the fairness mix's passes included."""
    failed = sum(m["median"].get("errors") or 0 for c in results["configs"].values()
                 for b in c["by_concurrency"].values() for m in b["mixes"].values())  # fmt: skip
    return failed + sum(results.get("fairness", {}).get(p, {}).get("errors", 0) for p, _ in PASSES)


if __name__ == "__main__":
    code = asyncio.run(main(sys.argv[1:]))
    exit_now(code)
