"""``make demo``: scripted payment scenarios on the running local stack, with a result table.

Each scenario says what final status it expects; the demo exits non-zero if any differs or the
processor ledger does not balance, and leaves the stack running for inspection.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from temporalio.client import Client

from cli import ops
from cli.testcards import card_number
from payments.cards import RawCard
from payments.ids import new_payment_id
from payments.models import (
    CaptureMethod,
    PaymentOptions,
    PaymentRequest,
    PaymentView,
    RefundRequest,
)
from payments.money import Currency, Money
from payments.settings import Settings
from payments.status import PaymentStatus
from payments.temporal_client import connect
from stack.local import StackConfig
from stack.simadmin import SimulatorAdmin

MERCHANT = "merchant_demo"


@dataclass
class Ctx:
    """What every scenario needs."""

    client: Client
    settings: Settings
    sim: SimulatorAdmin


async def request(ctx: Ctx, amount: int, *, card: str = "visa", manual: bool = False,
                  currency: Currency = Currency.USD) -> PaymentRequest:  # fmt: skip
    """Tokenize a test card (as the edge does) and build the workflow's input."""
    raw = RawCard(card_number(card), 12, datetime.now(UTC).year + 2, "123")
    return PaymentRequest(
        payment_id=new_payment_id(),
        merchant_id=MERCHANT,
        amount=Money(amount=amount, currency=currency),
        capture_method=CaptureMethod.MANUAL if manual else CaptureMethod.AUTOMATIC,
        card=await ops.tokenize_card(ctx.settings, raw),
        options=PaymentOptions(
            authorization_ttl_seconds=ctx.settings.authorization_ttl_seconds,
            refund_window_seconds=ctx.settings.refund_window_seconds,
        ),
    )


async def confirm(ctx: Ctx, req: PaymentRequest) -> PaymentView:
    """Start the payment and wait for authorization (and automatic capture)."""
    return await ops.start_payment(
        ctx.client, req, task_queue=ctx.settings.task_queue, wait_seconds=120
    )


async def start(ctx: Ctx, amount: int, **kwargs: Any) -> PaymentView:
    """Tokenize, start and confirm in one go."""
    return await confirm(ctx, await request(ctx, amount, **kwargs))


async def automatic(ctx: Ctx) -> PaymentView:
    return await start(ctx, 2500)


async def manual_partial_then_refunds(ctx: Ctx) -> PaymentView:
    view = await start(ctx, 5000, manual=True)
    await ops.capture(ctx.client, view.payment_id, 3000)
    for refund_id, amount in (("re_demo_1", 1000), ("re_demo_2", 500)):
        req = RefundRequest(refund_id=refund_id, amount=amount)
        await ops.refund(ctx.client, view.payment_id, req)
    return await ops.payment_view(ctx.client, view.payment_id)


async def generic_decline(ctx: Ctx) -> PaymentView:
    return await start(ctx, 1200, card="decline")


async def prepaid_insufficient(ctx: Ctx) -> PaymentView:
    return await start(ctx, 1000, card="prepaid5")


async def outage_recovered(ctx: Ctx) -> PaymentView:
    req = await request(ctx, 4200)
    ctx.sim.faults(outage=True)
    paying = asyncio.create_task(confirm(ctx, req))
    await asyncio.sleep(4)
    ctx.sim.faults()
    return await paying


async def cancel_authorized(ctx: Ctx) -> PaymentView:
    view = await start(ctx, 3000, manual=True)
    return await ops.cancel(ctx.client, view.payment_id, "customer changed their mind")


async def yen_and_dinar(ctx: Ctx) -> PaymentView:
    await start(ctx, 1500, currency=Currency.JPY)
    return await start(ctx, 12345, currency=Currency.KWD)


_S = PaymentStatus
Scenario = tuple[str, Callable[[Ctx], Awaitable[PaymentView]], PaymentStatus]
SCENARIOS: list[Scenario] = [
    ("automatic capture", automatic, _S.CAPTURED),
    ("manual partial capture + 2 refunds", manual_partial_then_refunds, _S.PARTIALLY_REFUNDED),
    ("generic decline", generic_decline, _S.FAILED),
    ("prepaid card, insufficient funds", prepaid_insufficient, _S.FAILED),
    ("processor outage on/off mid-payment", outage_recovered, _S.CAPTURED),
    ("cancel of an authorized payment", cancel_authorized, _S.CANCELED),
    ("JPY (exponent 0) and KWD (exponent 3)", yen_and_dinar, _S.CAPTURED),
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
    """Run every scenario, print the table, check the ledger."""
    cfg = StackConfig.from_env()
    sim_url = f"http://127.0.0.1:{cfg.simulator_port}"
    settings = Settings(
        temporal_address=cfg.temporal_address, processor_url=sim_url, run_dir=cfg.run_dir
    )
    ctx = Ctx(await connect(settings), settings, SimulatorAdmin(sim_url))
    print(f"{'payment id':<30} {'scenario':<40} {'expected':<19} {'final':<36} check")
    all_ok = True
    for name, run, expected in SCENARIOS:
        view = await run(ctx)
        ok = view.status is expected
        all_ok = all_ok and ok
        reason = f" ({view.failure.code})" if view.failure else ""
        verdict = "ok" if ok else "UNEXPECTED"
        print(
            f"{view.payment_id:<30} {name:<40} {expected.value:<19} "
            f"{view.status.value + reason:<36} {verdict}"
        )
    all_ok = ledger_ok(ctx.sim) and all_ok
    print(f"\nWeb UI: http://127.0.0.1:{cfg.ui_port}/namespaces/default/workflows")
    print("The stack is still running; `make down` stops it.")
    return 0 if all_ok else 1


if __name__ == "__main__":
    code = asyncio.run(main())
    sys.stdout.flush()
    os._exit(code)
