"""What a processor can do, declared as data so callers decide without knowing its kind."""

from __future__ import annotations

from enum import StrEnum

from payments.money import Currency
from processors.models import Frozen


class Capability(StrEnum):
    """One thing a processor may or may not support."""

    PARTIAL_CAPTURE = "partial_capture"
    """Capture less than the hold and release the rest."""
    BALANCE_CHECK = "balance_check"
    """Say how much a card can spend before authorizing."""
    THREE_D_SECURE = "three_d_secure"
    """Run 3-D Secure: implement ``processors.authentication.Authenticator``."""
    PARTIAL_REFUND = "partial_refund"
    """Refund less than what was captured."""
    MULTIPLE_REFUNDS = "multiple_refunds"
    """Refund one capture in several parts."""
    INQUIRY_BY_KEY = "inquiry_by_key"
    """Tell applied, in progress and never received apart for an idempotency key."""
    HOLD_TTL = "hold_ttl"
    """Honour the hold lifetime the caller asks for."""
    EFFECTS_REPORT = "effects_report"
    """List the effects applied since a time (reconciliation)."""
    LEDGER_CHECK = "ledger_check"
    """Report the processor's own ledger invariants (reconciliation)."""
    PROCESSOR_PAYMENT_METHODS = "processor_payment_methods"
    """Authorize a PaymentMethod the processor itself holds (Stripe ``pm_...``), and describe it
    (``PaymentMethodDescriber``)."""


class Capabilities(Frozen):
    """The capabilities a processor declares, and the currencies it takes."""

    supported: frozenset[Capability]
    currencies: frozenset[Currency]

    def has(self, capability: Capability) -> bool:
        """Whether the processor declared ``capability``."""
        return capability in self.supported
