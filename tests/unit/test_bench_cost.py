"""The bench's cost estimate: the formula, open workflow-hours, and the sum over a payment's
workflows (the payment's own and its refund workflow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import (
    HistoryEvent,
    TimerCanceledEventAttributes,
    TimerFiredEventAttributes,
    TimerStartedEventAttributes,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from bench.cost import Prices, per_million
from bench.history import open_hours, payment_figures, timers_end

T0 = datetime(2026, 12, 2, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def _at(dt: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(dt)
    return ts


def _timer(event_id: int, at: datetime, wait: timedelta) -> HistoryEvent:
    d = Duration()
    d.FromTimedelta(wait)
    attrs = TimerStartedEventAttributes(timer_id=str(event_id), start_to_fire_timeout=d)
    return HistoryEvent(event_id=event_id, event_type=EventType.EVENT_TYPE_TIMER_STARTED,
                        event_time=_at(at), timer_started_event_attributes=attrs)  # fmt: skip


def _fired(event_id: int, started: int) -> HistoryEvent:
    attrs = TimerFiredEventAttributes(timer_id=str(started), started_event_id=started)
    return HistoryEvent(event_id=event_id, event_type=EventType.EVENT_TYPE_TIMER_FIRED,
                        timer_fired_event_attributes=attrs)  # fmt: skip


def _canceled(event_id: int, started: int) -> HistoryEvent:
    attrs = TimerCanceledEventAttributes(timer_id=str(started), started_event_id=started)
    return HistoryEvent(event_id=event_id, event_type=EventType.EVENT_TYPE_TIMER_CANCELED,
                        timer_canceled_event_attributes=attrs)  # fmt: skip


def test_the_formula_with_known_numbers() -> None:
    # 4 actions and a 10 KB history open 720 h: $200 of actions, $302.40 of active storage
    # and $7.56 of retained storage (30 days) per million payments.
    cost = per_million(actions=4, history_bytes=10_000, open_hours=720)
    assert cost.actions == pytest.approx(200.0)
    assert cost.active == pytest.approx(302.4)
    assert cost.retained == pytest.approx(7.56)
    assert cost.storage == pytest.approx(309.96)
    assert cost.total == pytest.approx(509.96)


def test_a_price_or_retention_change_changes_the_total() -> None:
    listed = per_million(4, 10_000, 1)
    cheaper = per_million(4, 10_000, 1, Prices(per_action=25 / 1_000_000))
    assert cheaper.actions == pytest.approx(listed.actions / 2)
    assert cheaper.total < listed.total
    longer = per_million(4, 10_000, 1, Prices(retention_hours=90 * 24))
    assert longer.retained == pytest.approx(listed.retained * 3)


def test_a_closed_workflow_counts_start_to_close() -> None:
    events = [_timer(5, T0, 30 * DAY)]  # a timer left behind does not keep it open
    assert open_hours(events, T0, T0 + timedelta(minutes=90), T0 + DAY) == pytest.approx(1.5)


def test_an_open_workflow_counts_its_longest_pending_timer() -> None:
    events = [
        _timer(5, T0 + timedelta(hours=1), 30 * DAY),  # pending: fires at 721 h
        _timer(6, T0, 7 * DAY),  # pending, but fires sooner
        _timer(7, T0, 90 * DAY),
        _canceled(8, 7),
        _timer(9, T0, 60 * DAY),
        _fired(10, 9),
    ]
    assert timers_end(events) == T0 + timedelta(hours=721)
    assert open_hours(events, T0, None, T0 + timedelta(hours=2)) == pytest.approx(721)


def test_an_open_workflow_without_timers_counts_elapsed_time() -> None:
    events = [_timer(5, T0, timedelta(minutes=1)), _fired(6, 5)]
    assert open_hours(events, T0, None, T0 + timedelta(hours=3)) == pytest.approx(3)


@dataclass
class _Handle:
    events: list[HistoryEvent] | None
    hours: float = 0.0

    async def describe(self) -> Any:
        if self.events is None:
            raise RPCError("not found", RPCStatusCode.NOT_FOUND, b"")
        return _Desc(T0, T0 + timedelta(hours=self.hours))

    async def fetch_history(self) -> Any:
        return _History(self.events or [])


@dataclass
class _Desc:
    start_time: datetime
    close_time: datetime | None


@dataclass
class _History:
    events: list[HistoryEvent]


@dataclass
class _Client:
    handles: dict[str, _Handle] = field(default_factory=dict)

    def get_workflow_handle(self, workflow_id: str) -> _Handle:
        return self.handles.get(workflow_id, _Handle(None))


def _client(**handles: _Handle) -> Client:
    return cast(Client, _Client(handles))


async def test_a_payment_sums_its_workflows_and_skips_a_refund_workflow_never_started() -> None:
    payment = _Handle([_timer(1, T0, DAY), _fired(2, 1)], hours=2)
    refund = _Handle([_timer(1, T0, DAY)], hours=1)
    both, _ = await payment_figures(_client(pay=payment, refund=refund), ["pay", "refund"])
    assert (both.workflows, both.events, both.actions) == (2, 3, 2)
    assert both.open_hours == pytest.approx(3)
    alone, _ = await payment_figures(_client(pay=payment), ["pay", "refund"])
    assert (alone.workflows, alone.events, alone.actions) == (1, 2, 1)
    assert both.cost.total > alone.cost.total > 0
    with pytest.raises(LookupError):
        await payment_figures(_client(refund=refund), ["pay", "refund"])
