"""Reading a payment with every worker stopped: the API's read model, then what Temporal holds.

One payment (``Reader.read``), cheapest first:

1. A final row (its workflow closed): the stored view, joined with the refunds booked since in
   the refund ledger. No Temporal call.
2. Otherwise describe the workflow (free, no worker). Closed: its result (free, no worker), kept
   as final. Open, in a status that only the API's own updates change (their answers are kept):
   the stored view.
3. Open and in flux (pending, outcome unknown, a challenge past its expiry, an old payment still
   open after capture) or nothing stored: the ``view`` Query, bounded by ``query_seconds`` (one
   billable action, answered only by a live worker); without an answer, the stored view, else
   the payment as accepted (``processing``, from the workflow's start input).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
)
from temporalio.service import RPCError

from facade.errors import as_payment_error
from payments.errors import NotFound
from payments.models import CaptureMethod, PaymentRequest, PaymentView
from payments.refunds import MadeRefunds, with_refunds
from payments.state import PaymentState
from payments.status import PaymentStatus
from stores.payment_index import Latest, PaymentIndex
from workflows.payment import PaymentWorkflow

__all__ = ["QUERY_SECONDS", "Reader", "api_moves_only", "version_of"]

# A live worker answers a query in milliseconds; without one the server waits until the RPC's
# deadline. Only open payments in flux pay this wait, once per read.
QUERY_SECONDS = 1.0


def version_of(view: PaymentView, final: bool) -> int:
    """Grows with every change a view can show (each transition, refunds included, and each
    attempt); a closed workflow's result outranks the same view seen while it was open."""
    return 2 * (len(view.transitions) + len(view.attempts) + len(view.refunds)) + int(final)


def api_moves_only(view: PaymentView, now: datetime) -> bool:
    """True if only the API's own updates (or closing) can change this open payment's view.

    A challenge is the customer's until it expires; after that the workflow asks the processor
    for its last word on its own, so the stored view may be behind.
    """
    # Moved on only by the API's updates (capture, cancel, attach a card; each answer is kept),
    # or by closing (expiry, timeout: a describe sees that).
    if view.status is PaymentStatus.REQUIRES_PAYMENT_METHOD:
        return True
    if view.status is PaymentStatus.AUTHORIZED:
        return view.capture_method is CaptureMethod.MANUAL  # automatic: being captured now
    if view.status is PaymentStatus.REQUIRES_ACTION and view.challenge is not None:
        return view.challenge.expires_at > now
    return False


@dataclass(frozen=True)
class Reader:
    """Reads (and keeps) payment views on ``client``, the API's ``index`` (None: none at hand)
    and the refund ledger (None: not wired, no join)."""

    client: Client
    index: PaymentIndex | None = None
    refunds: MadeRefunds | None = None
    query_seconds: float = QUERY_SECONDS

    async def keep(self, view: PaymentView, *, final: bool = False) -> None:
        """Keep ``view`` as the payment's latest unless a newer one is kept already."""
        if self.index is None:
            return
        version = version_of(view, final)
        latest = Latest(view.status.value, version, final, view.model_dump_json())
        await self.index.keep(view.merchant_id, view.payment_id, latest)

    async def read(self, payment_id: str) -> PaymentView:
        """The payment as GET shows it (see the module's docstring for the order of work).

        Raises:
            PaymentError: ``NotFound`` if Temporal has no such workflow; others as
                ``facade.errors`` translates them (Temporal unreachable).
        """
        found = await self.index.latest(payment_id) if self.index is not None else None
        return await self.refresh(payment_id, found[1] if found is not None else None)

    async def refresh(self, payment_id: str, latest: Latest | None) -> PaymentView:
        """The payment's view, from its kept ``latest`` (None: none) and Temporal as needed."""
        if latest is not None and latest.final:
            return await self._joined(PaymentView.model_validate_json(latest.view))
        handle: WorkflowHandle[Any, PaymentView] = self.client.get_workflow_handle(
            payment_id, result_type=PaymentView
        )
        try:
            desc = await handle.describe()
        except RPCError as exc:
            raise as_payment_error(exc) from None
        stored = PaymentView.model_validate_json(latest.view) if latest is not None else None
        if desc.status != WorkflowExecutionStatus.RUNNING:
            closed = await self._result(handle)
            if closed is not None:
                return closed
        elif stored is not None and api_moves_only(stored, datetime.now(UTC)):
            return stored
        return await self._asked(handle, desc, stored)

    async def _result(self, handle: WorkflowHandle[Any, PaymentView]) -> PaymentView | None:
        # A closed workflow's result needs no worker. A terminated or failed run has none.
        try:
            final = await handle.result()
        except WorkflowFailureError:
            return None
        except RPCError as exc:
            raise as_payment_error(exc) from None
        await self.keep(final, final=True)
        return await self._joined(final)

    async def _joined(self, final: PaymentView) -> PaymentView:
        if self.refunds is None:
            return final
        return with_refunds(final, await self.refunds.for_payment(final.payment_id))

    async def _asked(
        self,
        handle: WorkflowHandle[Any, PaymentView],
        desc: WorkflowExecutionDescription,
        stored: PaymentView | None,
    ) -> PaymentView:
        # The one billable read: only for payments in flux, and only a live worker answers.
        try:
            query = handle.query(PaymentWorkflow.view)
            view = await asyncio.wait_for(query, timeout=self.query_seconds)
        except (TimeoutError, RPCTimeoutOrCancelledError, RPCError):
            return stored if stored is not None else await self._accepted(handle, desc)
        await self.keep(view)
        return view

    async def _accepted(
        self, handle: WorkflowHandle[Any, PaymentView], desc: WorkflowExecutionDescription
    ) -> PaymentView:
        # The start's input, from history (free): the payment as accepted, ``processing``.
        async for event in handle.fetch_history_events():
            given = event.workflow_execution_started_event_attributes.input.payloads
            [req] = await self.client.data_converter.decode(given, [PaymentRequest])
            assert isinstance(req, PaymentRequest)
            return PaymentState(request=req, created_at=req.created_at or desc.start_time).view()
        raise NotFound("no such payment")  # a workflow's history never is empty
