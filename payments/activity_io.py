"""Activity inputs and results.

Each money-moving input carries the idempotency key the processor sees, so every retry of the
same activity sends the same key. None carries a card number: activities resolve the token.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import StrictInt

from payments.models import Frozen
from payments.money import Currency, MinorUnits, Money, PositiveMinorUnits


class BalanceCheckInput(Frozen):
    """Ask the processor how much the card can spend."""

    processor: str

    payment_id: str
    card_token: str | None
    """None for a processor's own PaymentMethod: only the processor knows that card."""
    currency: Currency


class BalanceCheckResult(Frozen):
    """Available balance or credit, in the payment's currency."""

    available: MinorUnits
    funding: str


class AuthorizeInput(Frozen):
    """Place a hold for the payment amount."""

    processor: str

    idempotency_key: str
    payment_id: str
    merchant_id: str
    card_token: str | None = None
    amount: Money
    hold_ttl_seconds: StrictInt
    processor_payment_method: str | None = None
    """The processor's own PaymentMethod id, sent instead of the vault card of ``card_token``
    (exactly one of the two is set)."""
    authentication_id: str | None = None
    """The 3-D Secure authentication that succeeded for this payment (None: none was asked)."""
    check_balance: bool = False
    """Ask the same processor for the card's balance first (new payments: no separate balance
    activity); False in every older history. A short balance fails as a decline whose message
    starts with ``BALANCE_STAGE``, and so does any failure of that check."""


BALANCE_STAGE = "balance check"
"""How an authorize failure from its balance check begins its message: the workflow records it
as a ``balance`` attempt, and knows the hold was never asked for."""


class RouteResult(Frozen):
    """Processors in the order to try them, and their breaker states."""

    processors: list[str]
    breakers: dict[str, str]


class InquireInput(Frozen):
    """Ask a processor what became of the request with a key."""

    processor: str
    idempotency_key: str


class AuthorizeResult(Frozen):
    """An approved hold."""

    authorization_id: str
    amount: MinorUnits
    expires_at: datetime


class CaptureInput(Frozen):
    """Post part or all of a hold to the merchant."""

    processor: str

    idempotency_key: str
    payment_id: str
    authorization_id: str
    amount: PositiveMinorUnits


class CaptureResult(Frozen):
    """A posted capture."""

    capture_id: str
    amount: MinorUnits


class VoidInput(Frozen):
    """Release a hold."""

    processor: str

    idempotency_key: str
    payment_id: str
    authorization_id: str


class VoidResult(Frozen):
    """``voided``, or ``expired`` when the processor had already released the hold."""

    status: str


class RefundInput(Frozen):
    """Return captured money to the card."""

    processor: str

    idempotency_key: str
    payment_id: str
    refund_id: str
    authorization_id: str
    amount: PositiveMinorUnits


class RefundResult(Frozen):
    """A refund the processor made."""

    processor_refund_id: str
    amount: MinorUnits


class Inquiry(Frozen):
    """What a processor says about an authorization request: approved, declined, or never seen."""

    found: bool
    authorization: AuthorizeResult | None = None
    decline_code: str | None = None
