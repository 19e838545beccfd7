"""The lean authorization path (patch lean-payment): no local activity, the balance checked
inside the authorize activity, the processor order recorded in the request."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from facade import operations as ops
from infra.actions import LOCAL_ACTIVITY_MARKER
from payments import search_attributes as sa
from payments.models import CardFacts, PaymentRequest
from payments.status import PaymentStatus
from tests.factories import card_facts, payment_request
from tests.workflows.fakes import Script, circuit_open, declined, unavailable
from tests.workflows.harness import Tier

_S = PaymentStatus
ORDER = ("primary", "secondary")
STRIPE_PM = "pm_1PinnedTestMethod0000002"


async def _events(tier: Tier, payment_id: str) -> list[HistoryEvent]:
    history = await tier.client.get_workflow_handle(payment_id).fetch_history()
    return list(history.events)


def _local_activities(events: list[HistoryEvent]) -> int:
    return sum(
        1
        for e in events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
    )


def _activity_types(events: list[HistoryEvent]) -> list[str]:
    return [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]


async def test_a_short_balance_declines_inside_the_authorize_activity(tier: Tier) -> None:
    req = payment_request(amount=5000, processors=ORDER)
    view = await tier.run(req, Script(processors=list(ORDER), available=1000))
    assert view.status is _S.FAILED
    assert view.failure is not None and view.failure.code == "insufficient_funds"
    assert "balance check" in (view.transitions[-1].detail or "")
    # As in older histories: the balance check answered (ok), no hold was asked for.
    assert [(a.step, a.outcome) for a in view.attempts] == [("balance", "ok")]
    assert tier.fake.effects(req.payment_id) == []
    events = await _events(tier, req.payment_id)
    assert _local_activities(events) == 0, "the lean path runs no local activity"
    assert _activity_types(events) == ["authorize"]
    assert tier.fake.processors_called(req.payment_id) == {"primary"}, "a decline never fails over"


async def test_an_approved_payment_records_balance_then_authorize(tier: Tier) -> None:
    req = payment_request(processors=ORDER)
    view = await tier.run(req, Script(processors=list(ORDER)))
    assert view.status is _S.CAPTURED
    assert [(a.step, a.outcome) for a in view.attempts] == [
        ("balance", "ok"),
        ("authorize", "approved"),
    ]
    events = await _events(tier, req.payment_id)
    assert _local_activities(events) == 0
    assert _activity_types(events) == ["authorize", "capture"]


async def test_an_open_breaker_fails_over_in_the_recorded_order(tier: Tier) -> None:
    req = payment_request(processors=ORDER)
    # The route would say secondary first; the lean path never asks it.
    script = Script(processors=["secondary", "primary"])
    script.fail("check_balance", "primary", circuit_open("primary"))
    view = await tier.run(req, script)
    assert (view.status, view.processor) == (_S.CAPTURED, "secondary")
    assert view.transitions[0].event.value == "failed_over"
    first = view.attempts[0]
    assert (first.step, first.processor, first.outcome) == (
        "balance",
        "primary",
        "processor_unavailable",
    )
    assert tier.fake.effects(req.payment_id) == ["authorize", "capture"]
    assert _local_activities(await _events(tier, req.payment_id)) == 0


async def test_an_unreachable_balance_check_retries_then_fails_over(tier: Tier) -> None:
    req = payment_request(processors=ORDER)
    script = Script(processors=list(ORDER))
    script.fail("check_balance", "primary", unavailable(), unavailable(), unavailable())
    view = await tier.run(req, script)
    assert (view.status, view.processor) == (_S.CAPTURED, "secondary")
    steps = [c.step for c in tier.fake.calls[req.payment_id] if c.processor == "primary"]
    # Never sent as a hold, so never inquired about: three tries, then the next processor.
    assert steps == ["check_balance"] * 3


def _pinned(processor: str) -> PaymentRequest:
    base = payment_request(processors=ORDER)
    card = CardFacts(brand="visa", last4="4242", exp_month=12, exp_year=2030)
    return base.model_copy(
        update={"card": card, "pinned_processor": processor, "processor_payment_method": STRIPE_PM}
    )


async def test_a_pinned_payment_ignores_the_recorded_order(tier: Tier) -> None:
    req = _pinned("secondary")
    script = Script(processors=list(ORDER))
    script.fail("authorize", "secondary", unavailable(), unavailable(), unavailable())
    view = await tier.run(req, script)
    assert view.status is _S.FAILED
    assert "pinned processor unavailable" in (view.transitions[-1].detail or "")
    assert tier.fake.processors_called(req.payment_id) == {"secondary"}
    assert _local_activities(await _events(tier, req.payment_id)) == 0


async def test_a_pinned_payment_authorizes_at_its_processor(tier: Tier) -> None:
    req = _pinned("secondary")
    view = await tier.run(req, Script(processors=list(ORDER)))
    assert (view.status, view.processor) == (_S.CAPTURED, "secondary")
    assert tier.fake.processors_called(req.payment_id) == {"secondary"}


async def _published(tier: Tier, payment_id: str) -> tuple[str | None, str | None, int]:
    """The status and failure code visibility shows, and how many upserts the history has."""
    handle = tier.client.get_workflow_handle(payment_id)
    attrs = (await handle.describe()).typed_search_attributes
    events = await _events(tier, payment_id)
    upserts = sum(
        1 for e in events if e.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    )
    return attrs.get(sa.PAYMENT_STATUS), attrs.get(sa.PAYMENT_FAILURE_CODE), upserts


async def test_a_captured_payment_publishes_no_status(tier: Tier) -> None:
    req = payment_request(processors=ORDER)
    view = await tier.run(req, Script(processors=list(ORDER)))
    assert view.status is _S.CAPTURED
    assert await _published(tier, req.payment_id) == (None, None, 0)


async def test_a_declined_payment_publishes_failed_and_its_code(tier: Tier) -> None:
    req = payment_request(processors=ORDER)
    script = Script(processors=list(ORDER)).fail("authorize", "primary", declined("do_not_honor"))
    view = await tier.run(req, script)
    assert view.status is _S.FAILED
    assert await _published(tier, req.payment_id) == ("failed", "do_not_honor", 1)


async def test_leaving_a_published_status_removes_it(tier: Tier) -> None:
    base = payment_request(processors=ORDER)
    req = base.model_copy(update={"retry_on_decline": True})
    script = Script(processors=list(ORDER), declines={})
    script.fail("authorize", "primary", declined("insufficient_funds"))
    view = await tier.start(req, script, skip_time=False)
    assert view.status is _S.REQUIRES_PAYMENT_METHOD
    assert await _published(tier, req.payment_id) == (
        "requires_payment_method",
        "insufficient_funds",
        1,
    )
    with tier.env.with_time_skipping_disabled():
        paid = await ops.attach_payment_method(tier.client, req.payment_id, card_facts())
    assert paid.status is _S.CAPTURED
    await tier.result(req.payment_id)
    # Removed on the way out, never published again: no stale attention status in visibility.
    assert await _published(tier, req.payment_id) == (None, None, 2)
