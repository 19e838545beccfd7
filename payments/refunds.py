"""A settled payment's view with the refunds made after its workflow closed.

A captured payment's workflow ends once the money has moved; later refunds are made by short
refund workflows and booked in the refund ledger (``stores.refunds``). Readers join the two
here, so a payment reads the same whichever workflow made its refunds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from payments.models import PaymentView, Refund, Transition
from payments.status import PaymentEvent, PaymentStatus, next_status


class MadeRefunds(Protocol):
    """What readers read of the refund ledger (``stores.refunds.RefundLedger``)."""

    async def for_payment(self, payment_id: str) -> list[Refund]:
        """The payment's made refunds, oldest first."""
        ...


def with_refunds(view: PaymentView, made: Sequence[Refund]) -> PaymentView:
    """``view`` with each refund of ``made`` that it does not already hold, oldest first.

    Amounts, status and transitions follow exactly as if the payment's own workflow had made
    them (``PaymentState.record_refund``).
    """
    known = {r.refund_id for r in view.refunds}
    new = sorted((r for r in made if r.refund_id not in known), key=lambda r: r.at)
    if not new:
        return view
    status, refunded = view.status, view.amount_refunded
    transitions = list(view.transitions)
    for refund in new:
        refunded += refund.amount
        full = refunded >= view.amount_captured
        event = PaymentEvent.REFUNDED_FULLY if full else PaymentEvent.REFUNDED_PARTIALLY
        after = next_status(status, event)
        detail = f"refund {refund.refund_id}: {refund.amount}"
        transitions.append(
            Transition(
                event=event, from_status=status, to_status=after, at=refund.at, detail=detail
            )
        )
        status = after
    return view.model_copy(
        update={
            "status": status,
            "amount_refunded": refunded,
            "refunds": [*view.refunds, *new],
            "transitions": transitions,
            "refundable_until": None if status is PaymentStatus.REFUNDED else view.refundable_until,
        }
    )
