"""SetupIntents: checking a card (and its CVC) without charging it.

``POST /v1/setup_intents`` with ``confirm=true`` runs the same test-card outcomes as a charge
(docs.stripe.com/api/setup_intents/create, docs.stripe.com/testing): a decline or a failed
CVC check answers a 402 ``card_error``; 4000000000003220 needs a challenge.
"""

from __future__ import annotations

import secrets
from typing import Any

from tests.stripe_double import cards
from tests.stripe_double.declines import card_error
from tests.stripe_double.ledger import Ledger, _id


def create(ledger: Ledger, params: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/setup_intents (payment_method or payment_method_data, confirm, usage)."""
    pm = ledger.method_for(params)
    si = ledger._stamp(
        {
            "id": _id("seti"),
            "object": "setup_intent",
            "status": "requires_confirmation",
            "payment_method": pm,
            "usage": params.get("usage", "off_session"),
            "metadata": params.get("metadata") or {},
            "last_setup_error": None,
            "next_action": None,
            "livemode": False,
            "payment_method_types": ["card"],
        }
    )
    si["client_secret"] = f"{si['id']}_secret_{secrets.token_hex(8)}"
    ledger.setups[si["id"]] = si
    if params.get("confirm") != "true":
        return si
    result = cards.outcome(ledger.numbers[pm])
    if result.code:
        raise card_error("setup_intent", si, ledger.methods[pm], result.code, result.decline_code)
    si["status"] = "requires_action" if result.three_d_secure else "succeeded"
    return si
