"""``make demo``: scripted payment scenarios through the HTTP API of the running local stack.

Each scenario says what final status it expects; the demo exits non-zero if any differs or the
processor ledger does not balance, and leaves the stack running for inspection.
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
from infra.api_keys import API_KEYS_FILE, load_api_key
from infra.exits import exit_now
from processors.simulator.admin import SimulatorAdmin
from stack.local import StackConfig

MERCHANT = "merchant_a"
Payment = dict[str, Any]


@dataclass
class Ctx:
    """What every scenario needs: the API as ``merchant_a``, and the simulator's admin."""

    api: ApiClient
    sim: SimulatorAdmin


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
    # outage and are retried by the workflow once it ends.
    ctx.sim.faults(outage=True, operations=["balance", "authorize", "capture"])
    paying = asyncio.create_task(start(ctx, 4200))
    await asyncio.sleep(4)
    ctx.sim.faults()
    return await paying


async def cancel_authorized(ctx: Ctx) -> Payment:
    payment = await start(ctx, 3000, manual=True)
    return await ctx.api.cancel(payment["id"], "customer changed their mind")


async def yen_and_dinar(ctx: Ctx) -> Payment:
    await start(ctx, 1500, currency="JPY")
    return await start(ctx, 12345, currency="KWD")


Scenario = tuple[str, Callable[[Ctx], Awaitable[Payment]], str]
SCENARIOS: list[Scenario] = [
    ("automatic capture", automatic, "succeeded"),
    ("manual partial capture + 2 refunds", manual_partial_then_refunds, "partially_refunded"),
    ("generic decline", generic_decline, "failed"),
    ("prepaid card, insufficient funds", prepaid_insufficient, "failed"),
    ("processor outage on/off mid-payment", outage_recovered, "succeeded"),
    ("cancel of an authorized payment", cancel_authorized, "canceled"),
    ("JPY (exponent 0) and KWD (exponent 3)", yen_and_dinar, "succeeded"),
]


def ledger_ok(sim: SimulatorAdmin) -> bool:
    """Print the ledger check; True if it balances and every merchant reconciles."""
    check = sim.ledger_check()
    ok = bool(check["balanced"]) and not check["negative_accounts"]
    print(
        f"\nledger balanced: {check['balanced']}, negative accounts: {check['negative_accounts']}"
    )
    for m in check["merchants"]:
        fine = m["credited"] == m["captured"] - m["refunded"]
        ok = ok and fine
        verdict = "ok" if fine else "MISMATCH"
        print(
            f"  {m['merchant_id']:<16} {m['currency']}  credited {m['credited']:>8} = captured "
            f"{m['captured']:>8} - refunded {m['refunded']:>6}  {verdict}"
        )
    return ok


async def main() -> int:
    """Run every scenario through the API as ``merchant_a``, print the table, check the ledger."""
    cfg = StackConfig.from_env()
    key = load_api_key(cfg.run_dir / API_KEYS_FILE, MERCHANT)
    api_url = f"http://127.0.0.1:{cfg.api_port}"
    sim = SimulatorAdmin(f"http://127.0.0.1:{cfg.simulator_port}")
    print(f"through the HTTP API at {api_url} as {MERCHANT}\n")
    print(f"{'payment id':<30} {'scenario':<40} {'expected':<19} {'final':<36} check")
    all_ok = True
    async with httpx.AsyncClient(timeout=60) as http:
        ctx = Ctx(ApiClient(http, api_url, key), sim)
        for name, run, expected in SCENARIOS:
            payment = await run(ctx)
            ok = payment["status"] == expected
            all_ok = all_ok and ok
            failure = payment.get("failure") or {}
            reason = failure.get("decline_code") or failure.get("code")
            final = payment["status"] + (f" ({reason})" if reason else "")
            verdict = "ok" if ok else "UNEXPECTED"
            print(f"{payment['id']:<30} {name:<40} {expected:<19} {final:<36} {verdict}")
    all_ok = ledger_ok(sim) and all_ok
    print(f"\nWeb UI: http://127.0.0.1:{cfg.ui_port}/namespaces/default/workflows")
    print(f"API docs: {api_url}/docs")
    print("The stack is still running; `make down` stops it.")
    return 0 if all_ok else 1


if __name__ == "__main__":
    code = asyncio.run(main())
    exit_now(code)
