"""Run every mix of one configuration: warm-up, then interleaved rounds, then medians."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.api_load import api_edge
from bench.configs import Config
from bench.history import shape_of
from bench.load import BENCH_MERCHANT, MixResult, Target, run_mix
from bench.worker import baseline_queue
from facade.tokenize import open_tokenizer
from infra.temporal_client import connect
from stack.loadcards import tokenize_cards
from stack.throwaway import ThrowawayStack

HISTORY_SAMPLES = 5


@dataclass(frozen=True)
class Plan:
    """How much to run: per concurrency, a warm-up and ``rounds`` rounds of ``count`` each."""

    mixes: tuple[str, ...]
    concurrencies: tuple[int, ...]
    count: int
    warmup: int
    rounds: int
    cards: int = 8


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _client_cpu() -> float:
    t = os.times()
    return t.user + t.system


def summarize_round(res: MixResult, cpu: dict[str, float]) -> dict[str, Any]:
    """Throughput, latency percentiles (ms) and CPU ms per workflow for one round."""
    n = max(1, len(res.samples))
    out: dict[str, Any] = {"n": len(res.samples), "errors": len(res.errors)}
    out["throughput"] = len(res.samples) / res.wall_seconds if res.wall_seconds else 0.0
    for name in ("to_authorized", "to_captured"):
        values = [getattr(s, name) * 1000 for s in res.samples if getattr(s, name) is not None]
        for q in (50, 95, 99):
            out[f"{name}_p{q}_ms"] = percentile(values, q) if values else None
    for role, seconds in cpu.items():
        out[f"cpu_{role}_ms"] = seconds * 1000 / n
    return out


def median_of(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-field median over rounds (fields missing or None in a round are skipped)."""
    keys = {k for r in rounds for k in r}
    med: dict[str, Any] = {}
    for k in sorted(keys):
        values = [r[k] for r in rounds if isinstance(r.get(k), int | float)]
        med[k] = statistics.median(values) if values else None
    return med


async def _round(stack: ThrowawayStack, t: Target, mix: str, plan: Plan, conc: int) -> Any:
    before, client_before = stack.cpu(), _client_cpu()
    res = await run_mix(t, mix, plan.count, conc)
    after = stack.cpu()
    cpu = {role: after[role] - before.get(role, 0.0) for role in after}
    cpu["client"] = _client_cpu() - client_before
    return res, summarize_round(res, cpu)


async def run_config(cfg: Config, plan: Plan, log: Any) -> dict[str, Any]:
    """Start ``cfg``'s stack, run the plan, and return per-concurrency, per-mix medians."""
    with ThrowawayStack(cfg.spec) as stack:
        settings = stack.settings()
        client = await connect(settings)
        async with open_tokenizer(settings) as tokenizer:
            cards = await tokenize_cards(tokenizer, plan.cards, BENCH_MERCHANT)
        async with api_edge(stack, BENCH_MERCHANT, plan.cards, "api" in plan.mixes) as edge:
            t = Target(client, stack.task_queue, baseline_queue(stack.task_queue), cards, edge,
                       settings.processor_order())  # fmt: skip
            return await _run_plan(stack, t, cfg, plan, log)


async def _run_plan(
    stack: ThrowawayStack, t: Target, cfg: Config, plan: Plan, log: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"note": cfg.note, "workers": cfg.spec.workers, "by_concurrency": {}}
    for conc in plan.concurrencies:
        for mix in plan.mixes:
            await run_mix(t, mix, plan.warmup, conc)
        rounds: dict[str, list[dict[str, Any]]] = {m: [] for m in plan.mixes}
        last: dict[str, MixResult] = {}
        errors: list[str] = []
        for r in range(plan.rounds):
            for mix in plan.mixes:
                last[mix], summary = await _round(stack, t, mix, plan, conc)
                rounds[mix].append(summary)
                errors += last[mix].errors[:3]
                log(f"  {cfg.name} c={conc} round {r + 1} {mix}: "
                    f"{summary['throughput']:.1f}/s errors={summary['errors']}")  # fmt: skip
        mixes = {}
        for mix in plan.mixes:
            ids = [(s.workflow_id, *s.related) for s in last[mix].samples[:HISTORY_SAMPLES]]
            mixes[mix] = {"median": median_of(rounds[mix]), "rounds": rounds[mix],
                          **(await shape_of(t.client, ids))}  # fmt: skip
        out["by_concurrency"][str(conc)] = {"mixes": mixes, "error_examples": errors[:5]}
    return out


def results_dir() -> Path:
    """bench/results/ (git-ignored)."""
    return Path(__file__).resolve().parent / "results"
