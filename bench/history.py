"""History events, billable actions (counted by ``infra.actions``) and open hours per workflow,
and their sums per payment over its workflows (``shape_of``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from bench.cost import Cost, per_million
from infra.actions import billable_actions


def event_kinds(events: Iterable[HistoryEvent]) -> dict[str, int]:
    """How many events of each type, for the JSON report."""
    kinds: dict[str, int] = {}
    for e in events:
        name = EventType.Name(e.event_type).removeprefix("EVENT_TYPE_")
        kinds[name] = kinds.get(name, 0) + 1
    return kinds


def timers_end(events: Iterable[HistoryEvent]) -> datetime | None:
    """When the last pending timer (started, neither fired nor canceled) fires, if any."""
    pending: dict[int, datetime] = {}
    for e in events:
        if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            wait = e.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta()
            pending[e.event_id] = e.event_time.ToDatetime(tzinfo=UTC) + wait
        elif e.event_type == EventType.EVENT_TYPE_TIMER_FIRED:
            pending.pop(e.timer_fired_event_attributes.started_event_id, None)
        elif e.event_type == EventType.EVENT_TYPE_TIMER_CANCELED:
            pending.pop(e.timer_canceled_event_attributes.started_event_id, None)
    return max(pending.values(), default=None)


def open_hours(
    events: Sequence[HistoryEvent], start: datetime, close: datetime | None, now: datetime
) -> float:
    """Hours a workflow is open: what active storage is billed for.

    A closed workflow counts close time minus start time (from ``describe()``). A workflow still
    open counts the time elapsed so far plus what is left of its longest pending timer (timer
    start time plus ``start_to_fire_timeout``), since it stays open at least until that fires.
    """
    end = close or max(now, timers_end(events) or now)
    return (end - start).total_seconds() / 3600


@dataclass(frozen=True)
class Figures:
    """One workflow's figures, or a payment's summed over its workflows."""

    workflows: int = 0
    events: int = 0
    actions: int = 0
    history_bytes: int = 0
    open_hours: float = 0.0
    cost: Cost = field(default_factory=Cost)

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.workflows + other.workflows, self.events + other.events,
                       self.actions + other.actions, self.history_bytes + other.history_bytes,
                       self.open_hours + other.open_hours, self.cost + other.cost)  # fmt: skip

    def fields(self) -> dict[str, float]:
        """Every figure under the report's field names, the cost parts included."""
        return {"workflows": self.workflows, "events": self.events, "actions": self.actions,
                "history_bytes": self.history_bytes, "open_hours": self.open_hours,
                **self.cost.fields()}  # fmt: skip


async def measure(client: Client, workflow_id: str) -> tuple[Figures, list[HistoryEvent]] | None:
    """One workflow's figures and events; None if no such workflow ever started."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        desc = await handle.describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    events = list((await handle.fetch_history()).events)
    size, actions = sum(e.ByteSize() for e in events), billable_actions(events)
    hours = open_hours(events, desc.start_time, desc.close_time, datetime.now(UTC))
    figures = Figures(1, len(events), actions, size, hours, per_million(actions, size, hours))
    return figures, events


async def payment_figures(client: Client, ids: Sequence[str]) -> tuple[Figures, list[HistoryEvent]]:
    """A payment's figures summed over its workflows, and its own workflow's events.

    ``ids[0]`` is the payment's workflow and must exist; the rest (a refund workflow) may not:
    a refund of a payment still open goes as an update into the payment's own workflow.
    """
    own = await measure(client, ids[0])
    if own is None:
        raise LookupError(f"workflow {ids[0]} not found")
    total = own[0]
    for wf_id in ids[1:]:
        other = await measure(client, wf_id)
        total += other[0] if other else Figures()
    return total, own[1]


async def shape_of(client: Client, payments: Sequence[Sequence[str]]) -> dict[str, object]:
    """Means per payment over ``payments`` (each its workflow ids, the payment's own first) of
    ``Figures.fields``, plus the first payment's event kinds.

    Bytes are the events' protobuf size: what a history costs in storage before the database's
    own overhead (mutable state, indexes, replicas), which sizes persistence and Cloud storage.
    """
    rows: list[dict[str, float]] = []
    kinds: dict[str, int] = {}
    for ids in payments:
        figures, events = await payment_figures(client, ids)
        rows.append(figures.fields())
        kinds = kinds or event_kinds(events)
    n = max(1, len(rows))
    out: dict[str, object] = {k: sum(r[k] for r in rows) / n for k in Figures().fields()}
    out["event_kinds"] = kinds
    return out
