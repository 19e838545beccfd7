"""Helpers shared by tests: the simulator's admin API and a one-call payment starter."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from temporalio.client import Client

from cli.testcards import card_number
from facade import operations as ops
from facade.tokenize import tokenize_card
from infra.settings import Settings
from payments.cards import RawCard
from payments.ids import new_payment_id
from payments.models import CaptureMethod, PaymentOptions, PaymentRequest, PaymentView
from payments.money import Currency, Money
from processors.simulator.admin import SimulatorAdmin
from stack.checks import http_ok
from stack.commands import child_env, simulator_command
from stack.ports import free_port
from stack.procs import ManagedProcess

Simulator = SimulatorAdmin


def simulator_process(run_dir: Path, name: str) -> tuple[ManagedProcess, SimulatorAdmin]:
    """A simulator named ``name`` on a free port, its ledger and log in ``run_dir``; not started."""
    port = free_port()
    proc = ManagedProcess(
        name,
        simulator_command(port=port, db_file=run_dir / f"{name}.db"),
        log_file=run_dir / "logs" / f"{name}.log",
        env=child_env(),
    )
    return proc, SimulatorAdmin(f"http://127.0.0.1:{port}")


def simulator_healthy(admin: SimulatorAdmin) -> bool:
    """True once the simulator answers its health check."""
    return http_ok(f"{admin.url}/healthz")


def _raw(card: str) -> RawCard:
    return RawCard(card_number(card), 12, date.today().year + 2, "123")


def steps(effects: list[dict[str, Any]]) -> list[str]:
    """The operations of a payment's effects, in order."""
    return [e["operation"] for e in effects]


async def pay(
    client: Client,
    settings: Settings,
    *,
    amount: int = 1000,
    currency: Currency = Currency.USD,
    card: str = "visa",
    capture: CaptureMethod = CaptureMethod.AUTOMATIC,
    options: PaymentOptions | None = None,
    wait_seconds: float = 60,
    merchant_id: str = "merchant_test",
    notify: bool = False,
) -> PaymentView:
    """Start a payment and wait for its confirmation (authorization and automatic capture)."""
    req = PaymentRequest(
        payment_id=new_payment_id(),
        merchant_id=merchant_id,
        notify=notify,
        amount=Money(amount=amount, currency=currency),
        capture_method=capture,
        card=await tokenize_card(settings, _raw(card), merchant_id=merchant_id),
        options=options or PaymentOptions(refund_window_seconds=5),
    )
    return await ops.start_payment(
        client, req, task_queue=settings.task_queue, wait_seconds=wait_seconds
    )
