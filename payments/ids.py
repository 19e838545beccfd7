"""Identifiers and idempotency keys."""

from __future__ import annotations

import secrets
from enum import StrEnum


class Step(StrEnum):
    """Steps with an external side effect; each has its own idempotency key per payment."""

    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"


def new_payment_id() -> str:
    """A fresh, unguessable payment id (also the workflow id)."""
    return f"pay_{secrets.token_hex(12)}"


def new_refund_id() -> str:
    """A fresh refund id for callers that do not bring their own."""
    return f"re_{secrets.token_hex(8)}"


def refund_workflow_id(payment_id: str, refund_id: str) -> str:
    """The id of the short workflow that makes refund ``refund_id`` of a settled payment."""
    return f"{payment_id}-{refund_id}"


def idempotency_key(payment_id: str, step: Step, sub_id: str | None = None) -> str:
    """The key the processor sees for one step of one payment.

    It depends only on the payment and the step (and the refund id for refunds), never on the
    attempt or run, so every retry of the same step carries the same key.
    """
    base = f"{payment_id}:{step.value}"
    return f"{base}:{sub_id}" if sub_id else base


def payment_of_key(key: str) -> str:
    """The payment id an ``idempotency_key`` was made for (payment ids hold no ``:``)."""
    return key.split(":", 1)[0]
