"""``RefundWorkflow``: one refund of a payment whose own workflow has closed.

Started by the facade (id ``refund_workflow_id``, so a retried request joins the same run), it
runs one activity on the capturing processor's queue that reserves the amount in the refund
ledger, refunds it and books it: two billable actions. A payment with webhooks also gets the
refund's event, as its own workflow would have sent it.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.notify import NotifyActivities
    from activities.refund import RefundActivities
    from payments.errors import ErrorType
    from payments.models import Refund
    from payments.refund_order import RefundBooked, RefundOrder
    from payments.refunds import with_refunds
    from payments.webhooks import event_for
    from workflows.policies import StepName, processor_task_queue, step_options


@workflow.defn
class RefundWorkflow:
    """Reserve, refund and book one refund of a closed payment; its result is the refund."""

    @workflow.run
    async def run(self, order: RefundOrder) -> Refund:
        """The refund as booked; a refusal fails the workflow with the domain error's details."""
        queue = processor_task_queue(workflow.info().task_queue, order.processor)
        try:
            booked: RefundBooked = await workflow.execute_activity_method(
                RefundActivities.refund_closed_payment,
                order,
                task_queue=queue,
                **step_options(StepName.REFUND),
            )
        except ActivityError as err:
            raise _failure(err) from None
        if order.notify and order.view is not None:
            await _notify(order, booked)
        return booked.refund


def _failure(err: ActivityError) -> ApplicationError:
    """The activity's own refusal, so the facade reads it as the update's refusal would read."""
    cause = err.cause
    if isinstance(cause, ApplicationError):
        return ApplicationError(cause.message, *cause.details, type=cause.type, non_retryable=True)
    # Retries ran out (a day): the processor may or may not have made the refund.
    return ApplicationError(
        "the refund's outcome is unknown", type=ErrorType.OUTCOME_UNKNOWN, non_retryable=True
    )


async def _notify(order: RefundOrder, booked: RefundBooked) -> None:
    """The refund's webhook: the payment as it reads with this refund and those before it."""
    assert order.view is not None
    upto = [r for r in booked.made if (r.at, r.refund_id) <= (booked.refund.at, order.refund_id)]
    view = with_refunds(order.view, upto)
    last = view.transitions[-1]
    hook = event_for(view, last.event, seq=len(view.transitions), at=workflow.now())
    await workflow.execute_activity_method(
        NotifyActivities.notify, hook, **step_options(StepName.NOTIFY)
    )
