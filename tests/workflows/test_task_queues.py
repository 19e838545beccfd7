"""Each processor's calls go to that processor's own task queue (patch per-processor-task-queues).

The queue is what lets the server hold a processor's rate across workers (docs/processors.md);
histories from before the patch keep the payments queue (tests/test_replay.py).
"""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType

from payments.status import PaymentStatus
from tests.factories import payment_request
from tests.workflows.conftest import TASK_QUEUE
from tests.workflows.fakes import Script, unavailable
from tests.workflows.harness import Tier
from workflows.policies import PROCESSOR_QUEUES_PATCH


async def test_calls_go_to_their_processors_queue_and_settlement_follows_the_hold(
    tier: Tier,
) -> None:
    script = Script(processors=["primary", "secondary"])
    script.fail("authorize", "primary", unavailable(), unavailable(), unavailable())
    req = payment_request()
    view = await tier.run(req, script)
    assert (view.status, view.processor) == (PaymentStatus.CAPTURED, "secondary")
    handle = tier.client.get_workflow_handle(req.payment_id)
    scheduled, markers = [], []
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attrs = event.activity_task_scheduled_event_attributes
            scheduled.append((attrs.activity_type.name, attrs.task_queue.name))
        if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            markers.append(event.marker_recorded_event_attributes.details)
    primary, secondary = f"{TASK_QUEUE}-processor-primary", f"{TASK_QUEUE}-processor-secondary"
    assert scheduled == [
        ("authorize", primary), ("authorize", primary), ("authorize", primary),
        ("authorize", secondary), ("capture", secondary),
    ]  # fmt: skip
    assert any(PROCESSOR_QUEUES_PATCH.encode() in p.data for m in markers
               for ps in m.values() for p in ps.payloads)  # fmt: skip
