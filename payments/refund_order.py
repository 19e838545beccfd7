"""The ``RefundWorkflow``'s input and its activity's result (a refund of a closed payment)."""

from __future__ import annotations

from datetime import datetime

from payments.models import Frozen, Identifier, PaymentView, Refund
from payments.money import Currency, MinorUnits, PositiveMinorUnits


class RefundOrder(Frozen):
    """One refund of a payment whose workflow has closed, with the facts of its capture.

    The capture's facts come from the payment's result and never change; the ledger stores them
    once per payment and checks every refund against them.
    """

    payment_id: Identifier
    merchant_id: Identifier
    refund_id: Identifier
    amount: PositiveMinorUnits | None
    """None refunds all that is left when the ledger reserves it."""
    reason: str | None = None
    currency: Currency
    processor: str
    authorization_id: str
    captured: MinorUnits
    """What the ledger may refund in all: captured less what the payment's own workflow refunded
    (a refund update that landed before it closed)."""
    refundable_until: datetime
    notify: bool = False
    """The payment sends webhooks: the refund's event goes out too."""
    view: PaymentView | None = None
    """The payment's result, for the webhook's payment object (only when ``notify``)."""


class RefundBooked(Frozen):
    """The refund as the ledger booked it, and every made refund of the payment by then."""

    refund: Refund
    made: list[Refund]
