"""The demo's closing checks, one per processor of the stack: each processor's own books.

A simulator is checked by its ledger (its admin API); Stripe keeps no ledger we can read, so
for localstripe the demo lists its PaymentIntents through the Stripe connector's effects report
(matched by the ``payment_id`` in their metadata) and checks that every demo payment that was
authorized there is held there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from infra.settings import ProcessorEndpoint
from processors.books import EffectKind
from processors.registry import opened
from processors.simulator.admin import SimulatorAdmin


def endpoints(settings: Mapping[str, str]) -> list[ProcessorEndpoint]:
    """The stack's processors, as the workers are configured (``PAYMENTS_PROCESSORS``)."""
    return [ProcessorEndpoint(**e) for e in json.loads(settings["PAYMENTS_PROCESSORS"])]


def ledger_ok(sim: SimulatorAdmin) -> bool:
    """Print a simulator's ledger check; True if it balances and every merchant reconciles."""
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


async def stripe_holds_ok(
    endpoint: ProcessorEndpoint, since: datetime, authorized_here: list[str]
) -> bool:
    """Print the demo payments Stripe holds PaymentIntents for; True if it holds every one of
    ``authorized_here`` (the payments the demo saw authorized on ``endpoint``)."""
    async with opened([endpoint], timeout_seconds=10) as processors:
        effects = await processors[endpoint.name].effects_since(since)
    held = {e.payment_id for e in effects if e.operation is EffectKind.AUTHORIZE}
    print(f"\n{endpoint.name} ({endpoint.url}): PaymentIntents whose metadata names a demo payment")
    ok = True
    for payment_id in authorized_here:
        found = payment_id in held
        ok = ok and found
        steps = [f"{e.operation.value} {e.amount}" for e in effects if e.payment_id == payment_id]
        verdict = "ok" if found else "MISSING"
        print(f"  {payment_id:<30} {', '.join(steps) or 'none'}  {verdict}")
    if not authorized_here:
        print("  (no demo payment was authorized there)")
    return ok
