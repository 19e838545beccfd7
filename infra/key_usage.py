"""Which payload keys open workflows still need: tells an operator when a key can be retired."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHistory

from infra.codec import key_id_of

OPEN_QUERY = "ExecutionStatus='Running'"
# Enough parallel history fetches to be quick, few enough not to load the frontend.
FETCH_CONCURRENCY = 8


@dataclass(frozen=True)
class KeyUsage:
    """How many open workflows, and how many of their payloads, name one key id."""

    workflows: int = 0
    payloads: int = 0


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every ``Payload`` nested anywhere in a protobuf message (fields, lists and maps)."""
    if isinstance(message, Payload):
        yield message
        return
    for _field, value in message.ListFields():
        if isinstance(value, Message):
            children: list[object] = [value]
        elif hasattr(value, "values") and callable(value.values):
            children = list(value.values())  # a map field
        elif isinstance(value, str | bytes | int | float | bool):
            continue
        else:
            children = list(value)  # a repeated field
        for child in children:
            if isinstance(child, Message):
                yield from payloads_in(child)


def key_counts(history: WorkflowHistory) -> Counter[str]:
    """Payloads per key id in one history; payloads that are not encrypted are not counted."""
    counts: Counter[str] = Counter()
    for event in history.events:
        for payload in payloads_in(event):
            key_id = key_id_of(payload)
            if key_id is not None:
                counts[key_id] += 1
    return counts


async def open_workflow_key_usage(client: Client, extra_query: str = "") -> dict[str, KeyUsage]:
    """Key usage over every open workflow of the client's namespace.

    Args:
        client: Any client of the namespace; histories are read raw, never decrypted.
        extra_query: An optional visibility filter ANDed with "running".
    """
    query = f"{OPEN_QUERY} AND ({extra_query})" if extra_query else OPEN_QUERY
    gate = asyncio.Semaphore(FETCH_CONCURRENCY)

    async def one(workflow_id: str, run_id: str | None) -> Counter[str]:
        async with gate:
            handle = client.get_workflow_handle(workflow_id, run_id=run_id)
            return key_counts(await handle.fetch_history())

    tasks = [one(wf.id, wf.run_id) async for wf in client.list_workflows(query)]
    usage: dict[str, KeyUsage] = {}
    for counts in await asyncio.gather(*tasks):
        for key_id, n in counts.items():
            seen = usage.get(key_id, KeyUsage())
            usage[key_id] = KeyUsage(seen.workflows + 1, seen.payloads + n)
    return usage
