"""The Stripe secondary's evidence: its PaymentIntents and Refunds, read back through the API.

localstripe keeps no ledger and ignores ``Idempotency-Key``, so a retry that created a second
PaymentIntent would stay there: every PaymentIntent is listed (whatever its status) and counted
per payment and step from its metadata, and the connector's ``effects_since`` gives the money
effects the views are compared with.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import stripe

from chaos.evidence import Ledger
from processors.books import Effect, EffectKind
from processors.http import processor_session
from processors.stripe import StripeProcessor
from processors.stripe.lookup import Lookup

REQUEST = re.compile(r"^stripe-request (GET|POST) /v1/payment_intents$", re.MULTILINE)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # everything the run's fresh localstripe holds


def effect_row(effect: Effect) -> dict[str, Any]:
    """An effect in the simulator report's shape: the refund's step is ``refund:<refund id>``."""
    refund = effect.operation is EffectKind.REFUND
    step = effect.reference if refund else effect.operation.value
    return {"payment_id": effect.payment_id, "step": step,
            "operation": effect.operation.value, "amount": effect.amount}  # fmt: skip


def intent_row(pi: dict[str, Any]) -> dict[str, Any]:
    """What the checks need of one PaymentIntent: whose it is, its step and status."""
    meta = pi.get("metadata") or {}
    return {"id": pi["id"], "payment_id": meta.get("payment_id"), "step": meta.get("step"),
            "status": pi.get("status"), "amount": pi.get("amount")}  # fmt: skip


def intent_requests(log: Path) -> dict[str, int]:
    """PaymentIntent creates and lists localstripe received (``LOCALSTRIPE_REQUEST_LOG``).

    While payments run, a list is an inquiry (the connector never re-sends to find out) or the
    reconciliation schedule's effects report (every ``PAYMENTS_RECONCILE_INTERVAL_SECONDS``).
    """
    seen = Counter(REQUEST.findall(log.read_text(errors="replace")))
    return {"stripe_intent_creates": seen["POST"], "stripe_intent_lists": seen["GET"]}


async def read_stripe_ledger(name: str, url: str, key: str) -> Ledger:
    """Every PaymentIntent and our effects on the Stripe processor at ``url``."""
    async with processor_session(30.0) as http:
        effects = await StripeProcessor(http, url, key).effects_since(EPOCH)
        client = stripe.StripeClient(
            key,
            base_addresses={"api": url},
            http_client=stripe.AIOHTTPClient(session=http, timeout=None),
            max_network_retries=0,
        )
        intents = [intent_row(pi) async for pi in Lookup(client).intents_since(EPOCH)]
    held = [{"payment_id": i["payment_id"]} for i in intents
            if i["status"] == "requires_capture" and i["payment_id"]]  # fmt: skip
    rows = [effect_row(e) for e in effects if e.payment_id]
    return Ledger(name, rows, [], {"open_holds": held}, {}, books=False, intents=intents)
