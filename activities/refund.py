"""The one activity of a refund of a closed payment: reserve, ask the processor, book.

The reservation (``stores.refunds``) is what keeps concurrent refunds within the captured amount;
the processor call is ``PaymentActivities.refund`` itself, so the key and the retry rule (a retry
asks the processor about the key first) are the ones the payment workflow uses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.payment import PaymentActivities
from payments.activity_io import RefundInput
from payments.errors import ErrorType, PaymentError
from payments.ids import Step, idempotency_key
from payments.refund_order import RefundBooked, RefundOrder
from stores.database import StoreUnavailable
from stores.refunds import Ask, Captured, LedgerRow, RefundLedger, RefundState, as_refund
from workflows.failures import rejection

REFUND_ACTIVITY = "refund_closed_payment"


def _now() -> datetime:
    return datetime.now(UTC)


def _facts(order: RefundOrder) -> Captured:
    return Captured(order.payment_id, order.merchant_id, order.currency.value, order.captured,
                    order.refundable_until, order.processor, order.authorization_id)  # fmt: skip


class RefundActivities:
    """The refund ledger and the processor fleet (through ``PaymentActivities``)."""

    def __init__(
        self,
        *,
        payments: PaymentActivities,
        ledger: RefundLedger,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        """Share the worker's processor activities and its ledger; ``clock`` for tests."""
        self._payments, self._ledger, self._now = payments, ledger, clock

    @activity.defn(name=REFUND_ACTIVITY)
    async def refund_closed_payment(self, order: RefundOrder) -> RefundBooked:
        """Reserve the amount, refund it at the capturing processor, book what it answered.

        A definite refusal (non-retryable) releases the reservation and fails for good; an
        outage keeps it, since money may have moved, and Temporal retries.
        """
        try:
            row = await self._reserve(order)
            if row.state is RefundState.RESERVED:
                await self._send(order, row)
            return await self._booked(order)
        except StoreUnavailable as exc:
            raise ApplicationError(str(exc), type=ErrorType.STORE_UNAVAILABLE) from None

    async def _reserve(self, order: RefundOrder) -> LedgerRow:
        ask = Ask(order.refund_id, order.amount, order.reason)
        try:
            return await self._ledger.reserve(_facts(order), ask, self._now())
        except PaymentError as exc:
            raise rejection(exc) from None

    async def _send(self, order: RefundOrder, row: LedgerRow) -> None:
        ask = RefundInput(
            processor=order.processor,
            idempotency_key=idempotency_key(order.payment_id, Step.REFUND, order.refund_id),
            payment_id=order.payment_id,
            refund_id=order.refund_id,
            authorization_id=order.authorization_id,
            amount=row.amount,
        )
        try:
            done = await self._payments.refund(ask)
        except ApplicationError as err:
            if err.non_retryable:
                await self._ledger.release(order.payment_id, order.refund_id, self._now())
            raise
        await self._ledger.book_made(
            order.payment_id, order.refund_id, done.processor_refund_id, self._now()
        )

    async def _booked(self, order: RefundOrder) -> RefundBooked:
        row = await self._ledger.get(order.payment_id, order.refund_id)
        assert row is not None and row.state is RefundState.MADE, "refund not booked"
        made = await self._ledger.for_payment(order.payment_id)
        return RefundBooked(refund=as_refund(row), made=made)
