"""One chaos run: stack up, payments and chaos concurrently, settle, collect, judge."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from chaos import report
from chaos.challenge_checks import challenges, read_authentications
from chaos.challenges import CHALLENGE_CARD
from chaos.checks import all_checks
from chaos.client import ClientBox
from chaos.driver import Driver, MerchantCards, MerchantSpecial, settle
from chaos.evidence import Evidence, read_histories, read_ledger, worker_log_hits
from chaos.monkey import FaultCycler, Monkey
from chaos.plans import MERCHANTS, Plan, make_plans
from chaos.stack import ChaosStack
from chaos.stripe_books import intent_requests, read_stripe_ledger
from chaos.stripe_faults import StripeStaller
from facade.tokenize import open_tokenizer
from infra.settings import Settings
from payments.cards import RawCard
from processors.simulator.admin import SimulatorAdmin
from stack.loadcards import tokenize_cards
from stack.throwaway import LOCALSTRIPE_KEY
from stores.refunds import open_refunds

APPROVED_CARDS = 6


@dataclass(frozen=True)
class Options:
    """What to run; ``python -m chaos --help`` documents each."""

    payments: int = 200
    workers: int = 2
    worker_kills: int = 30
    server_restarts: int = 3
    seed: int = 7
    unsafe: bool = False
    gap: tuple[float, float] = (3.0, 7.0)
    settle_seconds: float = 180.0
    secondary: str = "simulator"
    """``stripe``: localstripe behind the Stripe connector instead of a second simulator."""
    authentication_timeout: int = 25
    """``PAYMENTS_AUTHENTICATION_TIMEOUT_SECONDS`` of the challenge payments (the driver sets it
    in their options, as the API does from that setting)."""

    def chaos_seconds(self) -> float:
        """A rough length of the chaos phase, to spread payment starts over it."""
        events = self.worker_kills + self.server_restarts
        return events * sum(self.gap) / 2 + self.worker_kills * 4 + self.server_restarts * 8


def worker_env(opts: Options) -> dict[str, str]:
    """Short processor timeouts and small breakers, so faults bite within the run."""
    return {
        "PAYMENTS_PROCESSOR_TIMEOUT_SECONDS": "3",
        "PAYMENTS_BREAKER_THRESHOLD": "3",
        "PAYMENTS_BREAKER_RESET_SECONDS": "5",
        "PAYMENTS_GRACEFUL_SHUTDOWN_SECONDS": "2",
        "PAYMENTS_UNSAFE_RANDOM_IDEMPOTENCY_KEYS": "true" if opts.unsafe else "false",
    }


def client_settings(stack: ChaosStack) -> Settings:
    """The driver's settings: the same queue, processors and keys as the workers."""
    return stack.settings()


async def cards(settings: Settings) -> tuple[MerchantCards, MerchantSpecial]:
    """Per merchant (a token pays only for its owner): approved cards (spread so no credit
    limit runs out) and the two decline test cards."""
    year = time.gmtime().tm_year + 2
    approved: MerchantCards = {}
    special: MerchantSpecial = {}
    async with open_tokenizer(settings) as tokenizer:
        for merchant in MERCHANTS:
            approved[merchant] = await tokenize_cards(tokenizer, APPROVED_CARDS, merchant)
            special[merchant] = {
                name: await tokenizer.tokenize(
                    RawCard(number, 12, year, "123"), merchant_id=merchant
                )
                for name, number in (
                    ("decline", "4000000000000002"),
                    ("insufficient", "4000000000009995"),
                    ("challenge", CHALLENGE_CARD),
                )
            }
    return approved, special


async def _chaos(stack: ChaosStack, opts: Options, driver: Driver, plans: list[Plan]) -> Monkey:
    """Payments and chaos at once; then wait (bounded) for the drivers to finish."""
    monkey = Monkey(stack, opts.seed + 1, kills=opts.worker_kills,
                    restarts=opts.server_restarts, gap=opts.gap)  # fmt: skip
    lock = asyncio.Lock() if stack.secondary == "stripe" else None
    cycler = FaultCycler(SimulatorAdmin(stack.simulator_url), opts.seed + 2, monkey.tally, lock)
    stop = asyncio.Event()
    runs = [cycler.run(stop), monkey.kill_all_when(driver.challenges.opened, stop)]
    if lock is not None:  # lost answers at Stripe too, or its inquiry is never asked
        staller = StripeStaller(stack.procs["secondary"][0], opts.seed + 3, monkey.tally, lock)
        runs.append(staller.run(stop))
    faults = asyncio.ensure_future(asyncio.gather(*runs))
    driving = asyncio.create_task(driver.run(plans))
    try:
        await monkey.run()
        stop.set()
        await faults
        driver.deadline = time.monotonic() + opts.settle_seconds
        await asyncio.wait({driving}, timeout=opts.settle_seconds + 30)
    finally:
        stop.set()
        for task in (faults, driving):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return monkey


async def _evidence(stack: ChaosStack, box: ClientBox, driver: Driver, plans: list[Plan],
                    opts: Options, monkey: Monkey) -> Evidence:  # fmt: skip
    views = await settle(driver, plans, time.monotonic() + opts.settle_seconds)
    requests: dict[str, int] = {}
    if stack.secondary == "stripe":  # before the evidence's own lists below
        requests = await asyncio.to_thread(intent_requests, stack.logs / "localstripe.log")
    histories = await read_histories(box, [p.payment_id for p in plans], budget=120)
    ledgers = [await asyncio.to_thread(read_ledger, "primary", stack.simulator_url,
                                       stack.run_dir / "simulator.db")]  # fmt: skip
    if stack.secondary == "stripe":
        ledgers.append(await read_stripe_ledger("secondary", stack.secondary_url,
                                                LOCALSTRIPE_KEY))  # fmt: skip
    else:
        ledgers.append(await asyncio.to_thread(read_ledger, "secondary", stack.secondary_url,
                                               stack.run_dir / "secondary.db"))  # fmt: skip
    errors = {p.payment_id: driver.errors.get(p.payment_id, "driver did not finish")
              for p in plans}  # fmt: skip
    driver_errors = {pid: e for pid, e in errors.items() if e}
    sims = [stack.run_dir / "simulator.db"]
    sims += [stack.run_dir / "secondary.db"] if stack.secondary != "stripe" else []
    auths = await asyncio.to_thread(read_authentications, sims)
    return Evidence(views, driver_errors, ledgers, histories, worker_log_hits(stack.logs),
                    requests, auths, driver.challenges.windows,
                    monkey.tally.kill_times)  # fmt: skip


def keep(stack: ChaosStack, evidence: Evidence, folder: Path) -> None:
    """Logs, both simulators' databases and every payment's view, for reading a failure."""
    shutil.copytree(stack.logs, folder / "logs", dirs_exist_ok=True)
    for db in [*stack.run_dir.glob("simulator.db*"), *stack.run_dir.glob("secondary.db*")]:
        shutil.copy2(db, folder / db.name)  # with the -wal file: it holds the latest writes
    views = {pid: v if isinstance(v, str) else v.model_dump(mode="json")
             for pid, v in evidence.views.items()}  # fmt: skip
    (folder / "views.json").write_text(json.dumps(views, indent=1))


async def run(opts: Options, results: Path) -> dict[str, Any]:
    """Run the whole harness on a fresh stack; returns the report (also written as JSON)."""
    started = time.monotonic()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    with ChaosStack(workers=opts.workers, worker_env=worker_env(opts),
                    secondary=opts.secondary) as stack:  # fmt: skip
        settings = client_settings(stack)
        approved, special = await cards(settings)
        spread = opts.chaos_seconds() * 0.8
        with_3ds = opts.secondary != "stripe"  # the 3-D Secure check reads simulators only
        plans = make_plans(opts.seed, opts.payments, spread, APPROVED_CARDS, challenges=with_3ds)
        box = ClientBox(settings)
        ledger = await open_refunds(settings.database())
        driver = Driver(box, stack.task_queue, approved, special, opts.authentication_timeout,
                        settings.processor_order(), ledger=ledger)  # fmt: skip
        monkey = await _chaos(stack, opts, driver, plans)
        evidence = await _evidence(stack, box, driver, plans, opts, monkey)
        verdicts, stats = all_checks(plans, evidence)
        verdicts += [v for v in [challenges(plans, evidence)] if v]
        stats |= {"client_retries": box.retries, "client_reconnects": box.reconnects,
                  **evidence.processor_requests}  # fmt: skip
        out = report.build(options=asdict(opts), plans=plans, tally=monkey.tally,
                           verdicts=verdicts, stats=stats,
                           seconds=time.monotonic() - started)  # fmt: skip
        if not out["passed"]:  # the run folder is deleted on exit; keep what explains it
            keep(stack, evidence, results / f"chaos-{stamp}-artifacts")
    out["seconds"] = round(time.monotonic() - started, 1)
    report.write(out, results / f"chaos-{stamp}.json")
    return out
