"""Corpus scenarios of the retry-after-a-decline branch (issue 15), kept apart for size."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from cli.testcards import card_number
from facade import operations as ops
from facade.tokenize import tokenize_card
from payments.cards import RawCard
from payments.status import PaymentStatus

if TYPE_CHECKING:
    from tests.replay.scenarios import Context


async def declined_then_paid(ctx: Context) -> str:
    """A ``retry_on_decline`` payment: the first card is declined, the payment waits for another
    (``requires_payment_method``), the customer attaches a good card, it authorizes and captures."""
    view = await ctx.pay("plain", "decline", 2700, notify=True, retry_on_decline=True)
    if view.status is not PaymentStatus.REQUIRES_PAYMENT_METHOD:
        raise RuntimeError(f"expected requires_payment_method, the payment is {view.status}")
    raw = RawCard(card_number("visa"), 12, date.today().year + 2, "123")
    card = await tokenize_card(ctx.card_settings, raw, merchant_id=view.merchant_id)
    await ops.attach_payment_method(ctx.stack.client, view.payment_id, card)
    return view.payment_id
