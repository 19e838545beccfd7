"""The fairness mix: one loud merchant against nine quiet ones at a processor queue's limit.

The loud merchant starts payments at ten times the rate of each quiet one (open loop: arrivals
do not wait for answers, as at a real peak). The processor queue's rate limit (the workers'
``max_task_queue_activities_per_second``, from ``PAYMENTS_PROCESSOR_RATE_PER_SECOND``, held by
the server for the whole queue) is below the peak's demand but above the quiet merchants' own.
The same schedule runs twice on one stack: without fairness keys, then with the merchant as key
(``facade.operations.start_payment``'s ``fair``). Figures: ``bench.fairness_report``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from bench.fairness_report import FairTarget, Timed, ratio, summarize
from bench.load import AMOUNT
from facade import operations as ops
from facade.tokenize import open_tokenizer
from infra.temporal_client import connect
from payments.ids import new_payment_id
from payments.models import PaymentRequest
from payments.money import Currency, Money
from payments.status import PaymentEvent, PaymentStatus
from stack.commands import SQLITE_PRAGMAS
from stack.loadcards import tokenize_cards
from stack.throwaway import StackSpec, ThrowawayStack

LOUD = "merchant_loud"
KINDS = ("Read", "Write")
PASSES = (("unkeyed", False), ("keyed", True))
"""Each pass's name in the results, and whether its payments carry fairness keys."""
WAIT_SECONDS = 300.0
PROCESSOR_TASKS = 2
"""Processor-queue tasks per automatic payment: authorize (the balance check inside) and capture."""


@dataclass(frozen=True)
class FairnessPlan:
    """A peak of ``seconds``: each quiet merchant starts ``quiet_per_second`` payments a second,
    the loud one ``loud_factor`` times that; the processor queue runs ``rate`` tasks a second."""

    seconds: float
    quiet_per_second: float = 0.25
    rate: float = 8.0
    partitions: int = 1
    """Task queue partitions on the dev server (its default is 4; see ``server_args``)."""
    quiet: int = 9
    loud_factor: int = 10
    cards: int = 4
    warmup: int = 2
    """Payments per merchant before the measured passes (imports, caches, pollers)."""

    def demand(self) -> float:
        """Processor tasks a second the peak asks for (the queue gives ``rate``)."""
        return (self.quiet + self.loud_factor) * self.quiet_per_second * PROCESSOR_TASKS

    def server_args(self) -> tuple[str, ...]:
        """Dev-server flags: each partition keeps its own backlog, fairness and share of the
        rate, so four partitions balance keys far less well than one (docs/performance.md)."""
        flags = [f"matching.numTaskqueue{kind}Partitions={self.partitions}" for kind in KINDS]
        return tuple(arg for flag in flags for arg in ("--dynamic-config-value", flag))


# Sized for 2 shared cores: the stack serves about 30 payments/s, so 8 tasks/s (4 payments/s)
# makes the queue, not the CPU, the bottleneck. Full: demand 1.19x the queue for 32 s, quiet
# merchants together 0.56x, each 0.06x (under a tenth, their fair share of ten keys); the loud
# backlog stays under authorize's 20 s schedule-to-close (workflows/policies.py), whose
# timeouts would measure the retry path instead. Quick: 1.43x for 12 s, quiet 0.68x.
FULL = FairnessPlan(seconds=32)
QUICK = FairnessPlan(seconds=12, quiet_per_second=0.3)


def plan_for(*, quick: bool, seconds: float | None, partitions: int | None) -> FairnessPlan:
    """``QUICK`` or ``FULL``, with the command line's peak length and partitions if given."""
    plan = QUICK if quick else FULL
    return replace(plan, seconds=seconds or plan.seconds, partitions=partitions or plan.partitions)


def merchants(plan: FairnessPlan) -> list[str]:
    """The loud merchant first, then the quiet ones."""
    return [LOUD, *(f"merchant_quiet_{i + 1}" for i in range(plan.quiet))]


def schedule(plan: FairnessPlan) -> list[tuple[float, str]]:
    """(seconds from the start, merchant) of every payment, evenly spaced per merchant."""
    arrivals: list[tuple[float, str]] = []
    for n, merchant in enumerate(merchants(plan)):
        rate = plan.quiet_per_second * (plan.loud_factor if merchant == LOUD else 1)
        # Staggered phases: ten merchants starting at the same instant would be a burst.
        phase = n / len(merchants(plan)) / rate
        arrivals += [(phase + k / rate, merchant) for k in range(int(plan.seconds * rate))]
    return sorted(arrivals)


async def time_to_authorized(t: FairTarget, merchant: str, i: int, *, fair: bool) -> Timed:
    """Start one automatic payment and time it from its start to its authorization."""
    req = PaymentRequest(
        payment_id=new_payment_id(), merchant_id=merchant,
        amount=Money(amount=AMOUNT, currency=Currency.USD),
        card=t.cards[merchant][i % len(t.cards[merchant])], processors=t.processors,
    )  # fmt: skip
    t0 = time.time()
    view = await ops.start_payment(
        t.client, req, task_queue=t.task_queue, wait_seconds=WAIT_SECONDS, fair=fair
    )
    if view.status is not PaymentStatus.CAPTURED:
        raise RuntimeError(f"{req.payment_id} ended {view.status.value}, expected captured")
    auth = next(tr.at for tr in view.transitions if tr.event is PaymentEvent.AUTHORIZED)
    return Timed(req.payment_id, merchant, t0, auth.timestamp() - t0)


async def run_pass(t: FairTarget, plan: FairnessPlan, *, fair: bool) -> dict[str, Any]:
    """The schedule once, every payment started on time; quiet and loud figures."""
    tasks: list[asyncio.Task[Timed]] = []
    started = time.monotonic()
    for i, (at, merchant) in enumerate(schedule(plan)):
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        tasks.append(asyncio.create_task(time_to_authorized(t, merchant, i, fair=fair)))
    await asyncio.gather(*tasks, return_exceptions=True)
    seconds = round(time.monotonic() - started, 1)
    ok = [task.result() for task in tasks if task.exception() is None]
    errors = [f"{type(e).__name__}: {e}"[:200] for task in tasks if (e := task.exception())]
    return {
        "quiet": await summarize(t.client, [s for s in ok if s.merchant != LOUD]),
        "loud": await summarize(t.client, [s for s in ok if s.merchant == LOUD]),
        "errors": len(errors), "error_examples": errors[:3], "seconds": seconds,
    }  # fmt: skip


def stack_spec(plan: FairnessPlan) -> StackSpec:
    """The shipped worker, its processor queue held to ``plan.rate`` tasks a second."""
    # The contract counts calls; an authorize task makes two at the simulator (its balance
    # check), so the worker sets the queue to half the contracted calls in tasks.
    env = {"PAYMENTS_PROCESSOR_RATE_PER_SECOND": str(plan.rate * 2)}
    return StackSpec(pragmas=SQLITE_PRAGMAS, worker_env=env, server_args=plan.server_args())


async def _target(stack: ThrowawayStack, plan: FairnessPlan) -> FairTarget:
    settings = stack.settings()
    async with open_tokenizer(settings) as tokenizer:
        cards = {m: await tokenize_cards(tokenizer, plan.cards, m) for m in merchants(plan)}
    client = await connect(settings)
    return FairTarget(client, stack.task_queue, settings.processor_order(), cards)


async def run_fairness(plan: FairnessPlan, log: Callable[[str], None]) -> dict[str, Any]:
    """Warm up, then the peak without keys, then with keys, on one fresh stack."""
    log(f"fairness: {plan}")
    with ThrowawayStack(stack_spec(plan)) as stack:
        t = await _target(stack, plan)
        warm = [time_to_authorized(t, m, i, fair=False)
                for m in merchants(plan) for i in range(plan.warmup)]  # fmt: skip
        await asyncio.gather(*warm)
        out: dict[str, Any] = {"plan": asdict(plan), "demand_per_second": plan.demand()}
        for name, fair in PASSES:
            out[name] = await run_pass(t, plan, fair=fair)
            log(f"  fairness {name}: {out[name]['seconds']:.0f} s, errors={out[name]['errors']}")
    out["quiet_p99_ratio"] = ratio(out["unkeyed"]["quiet"], out["keyed"]["quiet"])
    out["loud_p99_ratio"] = ratio(out["unkeyed"]["loud"], out["keyed"]["loud"])
    return out
