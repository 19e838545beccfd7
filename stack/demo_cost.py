"""What each demo payment cost on Temporal: is its workflow closed, and how many billable actions
did it and its refund workflows spend (counted from their histories, ``infra.actions``)."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from infra.actions import billable_actions

AUTOMATIC_BUDGET = 4
"""Actions an automatic payment may spend (issue 16; docs/cost.md); the demo checks it."""


@dataclass(frozen=True)
class Spent:
    """One payment's workflow status and the actions of it and its refund workflows."""

    closed: bool
    actions: int
    workflows: int

    def __str__(self) -> str:
        state = "closed" if self.closed else "open"
        refunds = f" in {self.workflows} workflows" if self.workflows > 1 else ""
        return f"{state}, {self.actions} actions{refunds}"


async def _actions(client: Client, workflow_id: str) -> int:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return billable_actions(history.events)


async def _refund_workflows(client: Client, payment_id: str) -> list[str]:
    # Refund workflow ids extend the payment's (payments.ids.refund_workflow_id).
    query = f"WorkflowType = 'RefundWorkflow' AND WorkflowId STARTS_WITH '{payment_id}-'"
    try:
        return [wf.id async for wf in client.list_workflows(query)]
    except RPCError:
        return []  # a visibility store without STARTS_WITH: the payment's own figures


async def spent(client: Client, payment_id: str) -> Spent:
    """The payment's closed flag and the actions of all its workflows."""
    desc = await client.get_workflow_handle(payment_id).describe()
    ids = [payment_id, *await _refund_workflows(client, payment_id)]
    actions = sum([await _actions(client, wf_id) for wf_id in ids])
    closed = desc.status != WorkflowExecutionStatus.RUNNING
    return Spent(closed=closed, actions=actions, workflows=len(ids))


def within_budget(scenario_is_automatic: bool, cost: Spent) -> bool:
    """An automatic payment's workflow has closed within ``AUTOMATIC_BUDGET``; others pass."""
    return not scenario_is_automatic or (cost.closed and cost.actions <= AUTOMATIC_BUDGET)
