"""Helpers shared by tests: the simulator's admin API and a one-call payment starter."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from temporalio.client import Client

from cli import ops
from cli.testcards import card_number
from payments.cards import RawCard
from payments.ids import new_payment_id
from payments.keyring import load_keyring
from payments.models import CaptureMethod, CardFacts, PaymentOptions, PaymentRequest, PaymentView
from payments.money import Currency, Money
from payments.processor import ProcessorClient
from payments.settings import Settings
from payments.tokenize import tokenize
from payments.vault import CardVault


class Simulator:
    """The simulator's admin endpoints, for switching faults and reading the ledger."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _req(self, method: str, path: str, body: Any = None) -> Any:
        resp = httpx.request(method, f"{self.url}{path}", json=body, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def faults(self, **config: Any) -> Any:
        """Switch faults on (``faults()`` with no arguments resets them)."""
        if not config:
            return self._req("DELETE", "/v1/admin/faults")
        return self._req("PUT", "/v1/admin/faults", config)

    def effects(self, payment_id: str) -> list[dict[str, Any]]:
        """Effects the ledger applied for one payment."""
        return list(self._req("GET", f"/v1/admin/effects?payment_id={payment_id}")["effects"])

    def attempts(self, payment_id: str) -> list[dict[str, Any]]:
        """Requests the simulator received for one payment, counted per step."""
        return list(self._req("GET", f"/v1/admin/effects?payment_id={payment_id}")["attempts"])

    def ledger_check(self) -> dict[str, Any]:
        """Ledger invariants and per-merchant totals."""
        return dict(self._req("GET", "/v1/admin/ledger/check"))


def steps(effects: list[dict[str, Any]]) -> list[str]:
    """The operations of a payment's effects, in order."""
    return [e["operation"] for e in effects]


async def tokenize_test_card(settings: Settings, card: str = "visa", cvc: str = "123") -> CardFacts:
    """Tokenize a simulator test card through the real edge path (validation, CVC check, vault)."""
    vault = CardVault(
        settings.resolved_vault_db(), load_keyring(settings.resolved_vault_key_file())
    )
    async with httpx.AsyncClient(base_url=settings.processor_url, timeout=5) as http:
        raw = RawCard(card_number(card), 12, date.today().year + 2, cvc)
        t = await tokenize(raw, processor=ProcessorClient(http), vault=vault, today=date.today())
    return CardFacts(
        token=t.token, brand=t.brand, last4=t.last4, exp_month=t.exp_month, exp_year=t.exp_year
    )


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
) -> PaymentView:
    """Start a payment and wait for its confirmation (authorization and automatic capture)."""
    req = PaymentRequest(
        payment_id=new_payment_id(),
        merchant_id="merchant_test",
        amount=Money(amount=amount, currency=currency),
        capture_method=capture,
        card=await tokenize_test_card(settings, card),
        options=options or PaymentOptions(refund_window_seconds=5),
    )
    return await ops.start_payment(
        client, req, task_queue=settings.task_queue, wait_seconds=wait_seconds
    )
