"""Temporal Cloud billable actions of one workflow, counted from its history.

Counting rules (docs.temporal.io/cloud/actions, read 2026-11-27), one action each for:
- WorkflowExecutionStarted (search attributes given at start are free);
- ActivityTaskStarted, times its ``attempt`` (every start or retry of an activity counts; the
  history keeps only the last attempt's started event, whose attempt number says how many);
- local activities: all MarkerRecorded local-activity markers completed by one workflow task
  count once together (grouped by the task's WorkflowTaskCompleted event id);
- TimerStarted (including the implicit timers of ``wait_condition(timeout=...)``);
- UpsertWorkflowSearchAttributes (one per command, however many attributes it sets);
- WorkflowExecutionSignaled; WorkflowExecutionUpdateAccepted (Update-with-Start counts its
  start and its update); WorkflowExecutionOptionsUpdated;
- StartChildWorkflowExecutionInitiated counts two.
Not visible in history and so not counted: queries (reads of finished payments send none),
rejected updates (validators refuse bad ones before history), activity heartbeats (our activities
send none), and workflow-task heartbeats of long local activities (none take that long here).
"""

from __future__ import annotations

from collections.abc import Iterable

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

_ONE_EACH = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    EventType.EVENT_TYPE_TIMER_STARTED,
    EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED,
}
LOCAL_ACTIVITY_MARKER = "core_local_activity"


def billable_actions(events: Iterable[HistoryEvent]) -> int:
    """Billable actions in a history, by the rules in this module's docstring."""
    actions, la_tasks = 0, set()
    for e in events:
        if e.event_type in _ONE_EACH:
            actions += 1
        elif e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            actions += max(1, e.activity_task_started_event_attributes.attempt)
        elif e.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
            actions += 2
        elif e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            marker = e.marker_recorded_event_attributes
            if marker.marker_name == LOCAL_ACTIVITY_MARKER:
                la_tasks.add(marker.workflow_task_completed_event_id)
    return actions + len(la_tasks)
