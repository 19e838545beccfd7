"""``make demo``: scripted payment scenarios through the HTTP API of the running local stack.

Each scenario says what final status it expects; the demo exits non-zero if any differs or a
processor's books disagree (see ``stack.demo_books``), and leaves the stack running for
inspection. The table says which processor authorized each payment, whether its workflow has
closed and how many billable actions it and its refund workflows spent (docs/cost.md); the
automatic-capture payment must have closed within its budget of 4. With
``SECONDARY_PROCESSOR=stripe`` the outage scenario keeps the primary down until the payment is
done, so it fails over to Stripe (localstripe); every other scenario runs on the primary, which
also does what only the simulator can (the prepaid card's balance check).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from cli.api_client import ApiClient, ApiRefused
from cli.testcards import card_number
from facade.operations import payment_view
from infra.api_keys import API_KEYS_FILE, load_api_key
from infra.exits import exit_now
from infra.settings import Settings
from infra.temporal_client import connect
from processors.simulator.admin import SimulatorAdmin
from stack import demo_books
from stack.demo_cost import Spent, spent, within_budget
from stack.local import StackConfig, stack_settings

MERCHANT = "merchant_a"
Payment = dict[str, Any]


@dataclass
class Ctx:
    """What every scenario needs: the API as ``merchant_a``, and the primary simulator's admin.

    ``fail_over``: the outage lasts until the payment is done (it moves to the secondary).
    """

    api: ApiClient
    sim: SimulatorAdmin
    fail_over: bool = False


def body(
    amount: int, *, card: str = "visa", manual: bool = False, currency: str = "USD"
) -> Payment:
    """A create request with a test card (the API tokenizes it before any workflow starts)."""
    number = card_number(card)
    return {
        "amount": amount,
        "currency": currency,
        "card": {"number": number, "exp_month": 12, "exp_year": datetime.now(UTC).year + 2,
                 "cvc": "123"},
        "capture_method": "manual" if manual else "automatic",
    }  # fmt: skip


async def start(ctx: Ctx, amount: int, **kwargs: Any) -> Payment:
    """Create and confirm through the API; a decline comes back as the failed payment."""
    try:
        return await ctx.api.pay(body(amount, **kwargs))
    except ApiRefused as refused:
        if "payment_id" not in refused.error:
            raise
        return await ctx.api.payment(refused.error["payment_id"])


async def automatic(ctx: Ctx) -> Payment:
    return await start(ctx, 2500)


async def manual_partial_then_refunds(ctx: Ctx) -> Payment:
    payment = await start(ctx, 5000, manual=True)
    await ctx.api.capture(payment["id"], 3000)
    for amount in (1000, 500):
        await ctx.api.refund(payment["id"], amount)
    return await ctx.api.payment(payment["id"])


async def generic_decline(ctx: Ctx) -> Payment:
    return await start(ctx, 1200, card="decline")


async def prepaid_insufficient(ctx: Ctx) -> Payment:
    return await start(ctx, 1000, card="prepaid5")


async def outage_recovered(ctx: Ctx) -> Payment:
    # Card verification stays up so the card is tokenized; the payment's own calls hit the
    # outage and are retried by the workflow once it ends, or (fail_over) fail over.
    ctx.sim.faults(outage=True, operations=["balance", "authorize", "capture"])
    try:
        paying = asyncio.create_task(start(ctx, 4200))
        if not ctx.fail_over:
            await asyncio.sleep(4)
            ctx.sim.faults()
        return await paying
    finally:
        ctx.sim.faults()


async def cancel_authorized(ctx: Ctx) -> Payment:
    payment = await start(ctx, 3000, manual=True)
    return await ctx.api.cancel(payment["id"], "customer changed their mind")


async def yen_and_dinar(ctx: Ctx) -> Payment:
    await start(ctx, 1500, currency="JPY")
    return await start(ctx, 12345, currency="KWD")


AUTOMATIC = "automatic capture"
"""The scenario whose workflow must have closed within ``AUTOMATIC_BUDGET`` actions."""
Scenario = tuple[str, Callable[[Ctx], Awaitable[Payment]], str]
SCENARIOS: list[Scenario] = [
    (AUTOMATIC, automatic, "succeeded"),
    ("manual partial capture + 2 refunds", manual_partial_then_refunds, "partially_refunded"),
    ("generic decline", generic_decline, "failed"),
    ("prepaid card, insufficient funds", prepaid_insufficient, "failed"),
    ("primary processor outage mid-payment", outage_recovered, "succeeded"),
    ("cancel of an authorized payment", cancel_authorized, "canceled"),
    ("JPY (exponent 0) and KWD (exponent 3)", yen_and_dinar, "succeeded"),
]


async def facts_of(
    settings: Settings, payment_ids: list[str]
) -> tuple[dict[str, str], dict[str, Spent]]:
    """Which processor authorized each payment (its workflow's view; "-" if none did), and what
    it spent on Temporal."""
    client = await connect(settings)
    views = [await payment_view(client, pid, refunds=None) for pid in payment_ids]
    costs = {pid: await spent(client, pid) for pid in payment_ids}
    return {v.payment_id: v.processor or "-" for v in views}, costs


async def books_ok(cfg: StackConfig, since: datetime, processors: dict[str, str]) -> bool:
    """Each processor's own books: a simulator's ledger, Stripe's PaymentIntents."""
    ok = True
    for endpoint in demo_books.endpoints(stack_settings(cfg)):
        if endpoint.kind == "stripe":
            here = [pid for pid, name in processors.items() if name == endpoint.name]
            ok = await demo_books.stripe_holds_ok(endpoint, since, here) and ok
        else:
            ok = demo_books.ledger_ok(SimulatorAdmin(endpoint.url)) and ok
    return ok


async def run_all(ctx: Ctx) -> tuple[list[tuple[str, str, Payment]], bool]:
    """Every scenario in turn: (name, expected, final payment) rows, and whether all matched."""
    rows, all_ok = [], True
    for name, run, expected in SCENARIOS:
        payment = await run(ctx)
        all_ok = all_ok and payment["status"] == expected
        rows.append((name, expected, payment))
    return rows, all_ok


def print_row(name: str, expected: str, payment: Payment, processor: str, cost: Spent) -> bool:
    """One line of the table; False if the payment ended otherwise or overspent."""
    failure = payment.get("failure") or {}
    reason = failure.get("decline_code") or failure.get("code")
    final = payment["status"] + (f" ({reason})" if reason else "")
    ok = payment["status"] == expected and within_budget(name == AUTOMATIC, cost)
    print(f"{payment['id']:<30} {name:<40} {expected:<19} {final:<30} {processor:<10} "
          f"{cost!s:<30} {'ok' if ok else 'UNEXPECTED'}")  # fmt: skip
    return ok


async def main() -> int:
    """Run every scenario through the API as ``merchant_a``, print the table, check the ledger."""
    cfg = StackConfig.from_env()
    key = load_api_key(cfg.run_dir / API_KEYS_FILE, MERCHANT)
    api_url = f"http://127.0.0.1:{cfg.api_port}"
    sim = SimulatorAdmin(f"http://127.0.0.1:{cfg.simulator_port}")
    print(f"through the HTTP API at {api_url} as {MERCHANT}\n")
    since = datetime.now(UTC)
    async with httpx.AsyncClient(timeout=60) as http:
        ctx = Ctx(ApiClient(http, api_url, key), sim, fail_over=cfg.stripe_key_file is not None)
        rows, all_ok = await run_all(ctx)
    settings = Settings(temporal_address=cfg.temporal_address, run_dir=cfg.run_dir)
    processors, costs = await facts_of(settings, [payment["id"] for _, _, payment in rows])
    print(f"{'payment id':<30} {'scenario':<40} {'expected':<19} {'final':<30} "
          f"{'processor':<10} {'on Temporal':<30} check")  # fmt: skip
    for name, expected, payment in rows:
        pid = payment["id"]
        all_ok = print_row(name, expected, payment, processors[pid], costs[pid]) and all_ok
    all_ok = await books_ok(cfg, since, processors) and all_ok
    print(f"\nWeb UI: http://127.0.0.1:{cfg.ui_port}/namespaces/default/workflows")
    print(f"API docs: {api_url}/docs")
    print("The stack is still running; `make down` stops it.")
    return 0 if all_ok else 1


if __name__ == "__main__":
    code = asyncio.run(main())
    exit_now(code)
