"""History events, bytes and billable actions per workflow (``infra.actions`` counts)."""

from __future__ import annotations

from collections.abc import Iterable

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from infra.actions import billable_actions


def event_kinds(events: Iterable[HistoryEvent]) -> dict[str, int]:
    """How many events of each type, for the JSON report."""
    kinds: dict[str, int] = {}
    for e in events:
        name = EventType.Name(e.event_type).removeprefix("EVENT_TYPE_")
        kinds[name] = kinds.get(name, 0) + 1
    return kinds


async def shape_of(client: Client, workflow_ids: list[str]) -> dict[str, object]:
    """Mean events, actions and history bytes over ``workflow_ids``, plus the first one's kinds.

    Bytes are the events' protobuf size: what a history costs in storage before the database's
    own overhead (mutable state, indexes, replicas), which sizes persistence and Cloud storage.
    """
    events_n, actions_n, bytes_n, kinds = [], [], [], {}
    for wf_id in workflow_ids:
        history = await client.get_workflow_handle(wf_id).fetch_history()
        events_n.append(len(history.events))
        actions_n.append(billable_actions(history.events))
        bytes_n.append(sum(e.ByteSize() for e in history.events))
        kinds = kinds or event_kinds(history.events)
    n = max(1, len(workflow_ids))
    return {"events": sum(events_n) / n, "actions": sum(actions_n) / n,
            "history_bytes": sum(bytes_n) / n, "event_kinds": kinds}  # fmt: skip
