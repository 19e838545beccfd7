"""The payment's customer-facing Updates: a 3-D Secure answer, another card after a decline.

A base class of ``PaymentWorkflow`` (the SDK finds handlers on base classes), so the workflow
module stays about money. Validators refuse before anything reaches history; handlers check
again, since the payment may have moved on in between.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from payments.authentication import AuthenticationAnswer
    from payments.errors import DeclineCode, PaymentError
    from payments.models import PaymentView
    from payments.retry import NewPaymentMethod, check_attach, check_cancel
    from payments.state import PaymentState
    from payments.status import PaymentStatus
    from workflows import authentication
    from workflows.failures import rejection

T = TypeVar("T")
_WAITING = (PaymentStatus.PENDING, PaymentStatus.OUTCOME_UNKNOWN)


class CustomerUpdates:
    """Updates that a customer's step (a challenge, a new card) brings to the payment."""

    _s: PaymentState

    @workflow.update
    async def answer_challenge(self, answer: AuthenticationAnswer) -> PaymentView:
        """The customer is back from the 3-D Secure challenge: ask the processor how it ended,
        then wait for the payment's result (an unanswered challenge answers at once)."""
        self._checked(lambda: self._s.check_answer(answer))
        await authentication.confirm(self._s)
        await workflow.wait_condition(lambda: self._s.authentication is None or self._settled())
        return self._s.view()

    @answer_challenge.validator
    def _validate_answer(self, answer: AuthenticationAnswer) -> None:
        self._checked(lambda: self._s.check_answer(answer))

    @workflow.update
    async def attach_payment_method(self, new: NewPaymentMethod) -> PaymentView:
        """Another card after a decline: its attempt runs, and this answers with where it
        landed (authorized or captured, ``requires_action``, declined again, or failed)."""
        self._checked(lambda: check_attach(self._s, new))
        attempt = self._s.attempt + 1
        self._s.next_card = new.card
        # A terminal status too: the payment must never wait on this handler to finish.
        await workflow.wait_condition(
            lambda: (
                self._s.status.is_terminal
                or (
                    self._s.attempt >= attempt
                    and self._s.status not in _WAITING
                    and self._s.busy_with is None
                )
            )
        )
        return self._s.view()

    @attach_payment_method.validator
    def _validate_attach(self, new: NewPaymentMethod) -> None:
        self._checked(lambda: check_attach(self._s, new))

    def _validate_cancel_request(self) -> None:
        self._checked(lambda: check_cancel(self._s))

    async def _abandon(self, reason: str | None) -> PaymentView:
        """The merchant cancels a payment that waits for another card: it ends failed."""
        self._s.abandoned = DeclineCode.CANCELED_BY_MERCHANT.value
        self._s.abandon_reason = reason
        await workflow.wait_condition(lambda: self._s.status is PaymentStatus.FAILED)
        return self._s.view()

    def _settled(self) -> bool:
        waiting = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)
        return self._s.status not in waiting and self._s.busy_with is None

    @staticmethod
    def _checked(check: Callable[[], T]) -> T:
        try:
            return check()
        except PaymentError as exc:
            raise rejection(exc) from None
