"""The ``Processor`` Protocol: the one seam between payments and a card processor.

Every adapter (the simulator today, Stripe next) implements it with the models of
``processors.models``. Rules every adapter keeps:

- Each money call (authorize, capture, void, refund) sends ``idempotency_key`` so that a
  repeated call has at most one effect and answers as the first did.
- Failures raise ``ProcessorFailure`` with an ``ErrorType`` and, for declines only, a
  ``DeclineCode`` from ``payments.errors``: the adapter maps its own codes into that table.
- "Processor unavailable" (nothing was sent) and "outcome unknown" (it may have acted) are
  retryable and never card declines.
- A call needing a capability the adapter does not declare raises ``ProcessorFailure``
  (``INVALID_REQUEST``, code ``unsupported``) without calling out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from processors.books import Effect, LedgerCheck
from processors.capabilities import Capabilities
from processors.models import (
    Authorization,
    AuthorizeRequest,
    Balance,
    BalanceRequest,
    Capture,
    CaptureRequest,
    CardCheck,
    InquiryAnswer,
    InquiryRequest,
    PaymentMethodFacts,
    RefundMade,
    RefundRequest,
    Release,
    VerifiedCard,
    VoidRequest,
)


@runtime_checkable
class Processor(Protocol):
    """A card processor, whatever its wire protocol."""

    @property
    def kind(self) -> str:
        """The adapter's kind, as ``PAYMENTS_PROCESSORS`` names it (e.g. ``simulator``)."""
        ...

    @property
    def capabilities(self) -> Capabilities:
        """What this processor supports; constant for the adapter's lifetime."""
        ...

    async def verify_card(self, card: CardCheck) -> VerifiedCard:
        """Check a card and its CVC once, at tokenization; moves no money."""
        ...

    async def balance(self, req: BalanceRequest) -> Balance:
        """What the card can spend now (capability ``balance_check``)."""
        ...

    async def authorize(self, req: AuthorizeRequest) -> Authorization:
        """Place a hold for the payment's amount."""
        ...

    async def capture(self, req: CaptureRequest) -> Capture:
        """Post part (capability ``partial_capture``) or all of a hold."""
        ...

    async def void(self, req: VoidRequest) -> Release:
        """Release a hold; answers ``expired`` if it had already lapsed."""
        ...

    async def refund(self, req: RefundRequest) -> RefundMade:
        """Return captured money; more than what is left is refused (``AMOUNT_TOO_LARGE``)."""
        ...

    async def inquire(self, req: InquiryRequest) -> InquiryAnswer:
        """What became of a money call: applied (with its answer), in progress, never received."""
        ...

    async def effects_since(self, since: datetime) -> list[Effect]:
        """Effects applied at or after ``since``, oldest first (capability ``effects_report``)."""
        ...

    async def ledger_check(self) -> LedgerCheck:
        """The processor's own ledger invariants (capability ``ledger_check``)."""
        ...


@runtime_checkable
class PaymentMethodDescriber(Protocol):
    """A processor with capability ``processor_payment_methods`` also implements this."""

    async def describe_payment_method(self, payment_method_id: str) -> PaymentMethodFacts:
        """Brand, last four and expiry of the processor's own PaymentMethod; an unknown id is
        ``ProcessorFailure`` ``INVALID_REQUEST`` (code ``resource_missing``)."""
        ...
