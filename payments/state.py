"""A payment's state and the rules for changing it, free of Temporal so it can be tested alone.

The workflow owns one ``PaymentState``; its update validators call the ``check_*`` methods, which
raise before anything reaches history, and its handlers call them again under the workflow lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from payments.authentication import AuthenticationAnswer, AuthenticationState, Challenge
from payments.errors import AmountRejected, StateConflict, ValidationFailed
from payments.models import (
    Attempt,
    CaptureRequest,
    CardFacts,
    Failure,
    PaymentRequest,
    PaymentView,
    Refund,
    RefundRequest,
    Transition,
)
from payments.public import ApiStatus, public_status
from payments.status import PaymentEvent, PaymentStatus, allows, next_status

# What an operation under way is called in a refusal (the events' own names are past tense).
_IN_PROGRESS = {
    PaymentEvent.CAPTURED: "a capture",
    PaymentEvent.CANCELED: "a cancellation",
    PaymentEvent.EXPIRED: "the authorization's expiry",
}


@dataclass
class PaymentState:
    """Amounts, status and story of one payment."""

    request: PaymentRequest
    created_at: datetime
    status: PaymentStatus = PaymentStatus.PENDING
    amount_authorized: int = 0
    amount_captured: int = 0
    amount_refunded: int = 0
    processor: str | None = None
    authorization_id: str | None = None
    failure: Failure | None = None
    busy_with: PaymentEvent | None = None
    refunds_closed: bool = False
    refundable_until: datetime | None = None
    refunds: dict[str, Refund] = field(default_factory=dict)
    reserved: dict[str, int] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    authentication_id: str | None = None
    challenge: Challenge | None = None
    authentication: AuthenticationState | None = None
    """How the challenge ended, once the processor confirmed it (never the browser's word)."""
    processor_of_challenge: str | None = None
    answers_in_flight: int = 0
    attempt: int = 1
    """Which card this is (1: the payment's first); each has its own processor keys."""
    next_card: CardFacts | None = None
    """The card the customer attached while ``requires_payment_method``, until its attempt."""
    abandoned: str | None = None
    """Why the wait for another card ended early (a failure code), e.g. the merchant canceled."""
    abandon_reason: str | None = None

    def keyed(self, sub_id: str | None = None) -> str | None:
        """The sub-id of a processor key for this attempt: the first attempt keeps the keys it
        always had; a later card's calls get keys of their own, so no answer is reused."""
        if self.attempt == 1:
            return sub_id
        return f"attempt{self.attempt}:{sub_id}" if sub_id else f"attempt{self.attempt}"

    def apply(self, event: PaymentEvent, at: datetime, detail: str | None = None) -> PaymentStatus:
        """Move along the transition table and record the step."""
        new = next_status(self.status, event)
        self.transitions.append(
            Transition(event=event, from_status=self.status, to_status=new, at=at, detail=detail)
        )
        self.status = new
        return new

    def public_status(self) -> ApiStatus:
        """The status as merchants see it: refusals speak the API's words, never internal ones."""
        return public_status(self.status, self.request.capture_method)

    def require(self, event: PaymentEvent) -> None:
        """Refuse ``event`` if the table forbids it now or another operation is under way."""
        if self.busy_with is not None:
            doing = _IN_PROGRESS.get(self.busy_with, self.busy_with.value)
            raise StateConflict(f"payment is busy: {doing} is in progress")
        if not allows(self.status, event):
            verb = event.value.replace("_", " ")
            raise StateConflict(
                f"a payment whose status is {self.public_status()} cannot be {verb}"
            )

    def check_answer(self, answer: AuthenticationAnswer) -> None:
        """Refuse a challenge answer for another challenge, or when none is awaited.

        Raises:
            StateConflict: If the payment does not wait for a challenge (any more).
            ValidationFailed: If ``answer`` names a challenge that is not this payment's.
        """
        if self.status is not PaymentStatus.REQUIRES_ACTION or self.authentication is not None:
            raise StateConflict(
                f"a payment whose status is {self.public_status()} awaits no challenge"
            )
        if self.challenge is None or answer.challenge_id != self.challenge.challenge_id:
            raise ValidationFailed("no such challenge for this payment", param="challenge")

    def check_capture(self, req: CaptureRequest) -> int:
        """The amount a capture request would capture.

        Raises:
            StateConflict: If the payment is not authorized (or is busy).
            AmountRejected: If the amount exceeds the authorized amount.
        """
        self.require(PaymentEvent.CAPTURED)
        amount = self.amount_authorized if req.amount is None else req.amount
        if amount > self.amount_authorized:
            raise AmountRejected(
                f"capture of {amount} exceeds the authorized {self.amount_authorized}",
                param="amount",
            )
        return amount

    def refundable(self) -> int:
        """Captured minus refunded minus refunds in flight."""
        return self.amount_captured - self.amount_refunded - sum(self.reserved.values())

    def check_refund(self, req: RefundRequest) -> int:
        """The amount a refund request would refund (0 for a refund id already done).

        Raises:
            StateConflict: If nothing was captured, the window closed, or the id is in flight.
            AmountRejected: If the amount exceeds what is left to refund.
        """
        if req.refund_id in self.refunds:
            return 0
        if req.refund_id in self.reserved:
            raise StateConflict(f"refund {req.refund_id} is already in progress")
        if self.refunds_closed:
            raise StateConflict("the refund window for this payment has closed")
        if self.status not in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
            raise StateConflict(
                f"a payment whose status is {self.public_status()} cannot be refunded"
            )
        left = self.refundable()
        amount = left if req.amount is None else req.amount
        if amount <= 0 or amount > left:
            raise AmountRejected(
                f"refund of {amount} exceeds the refundable {left}", param="amount"
            )
        return amount

    def record_refund(self, refund: Refund, at: datetime) -> None:
        """Book a refund the processor made and move to (partially) refunded."""
        self.reserved.pop(refund.refund_id, None)
        self.refunds[refund.refund_id] = refund
        self.amount_refunded += refund.amount
        full = self.amount_refunded == self.amount_captured
        event = PaymentEvent.REFUNDED_FULLY if full else PaymentEvent.REFUNDED_PARTIALLY
        self.apply(event, at, detail=f"refund {refund.refund_id}: {refund.amount}")

    def view(self) -> PaymentView:
        """The query answer."""
        req = self.request
        return PaymentView(
            payment_id=req.payment_id,
            merchant_id=req.merchant_id,
            status=self.status,
            currency=req.amount.currency,
            amount=req.amount.amount,
            amount_authorized=self.amount_authorized,
            amount_captured=self.amount_captured,
            amount_refunded=self.amount_refunded,
            capture_method=req.capture_method,
            card=req.card,
            customer_id=req.customer.id if req.customer else None,
            description=req.description,
            metadata=dict(req.metadata),
            processor=self.processor,
            authorization_id=self.authorization_id,
            failure=self.failure,
            refunds=list(self.refunds.values()),
            transitions=list(self.transitions),
            attempts=list(self.attempts),
            created_at=self.created_at,
            challenge=self.challenge,
            refundable_until=self.refundable_until,
        )
