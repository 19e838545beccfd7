"""Refunds of payments whose workflow closed at capture, through the API, on a real server.

Each refund is a ``RefundWorkflow`` of its own (two billable actions); the refund ledger keeps
concurrent refunds within the captured amount and enforces the window.
"""

from __future__ import annotations

import asyncio

import httpx
from temporalio.client import Client, WorkflowExecutionStatus

from api.settings import ApiSettings
from facade import operations as ops
from infra.actions import billable_actions
from payments.ids import refund_workflow_id
from payments.models import RefundRequest
from tests.api.conftest import Merchant, app_client, payment_body
from tests.helpers import Simulator


async def _captured(http: httpx.AsyncClient, merchant: Merchant, amount: int, key: str) -> str:
    body = payment_body(amount, capture_method="manual")
    pid = str(
        (await http.post("/v1/payments", json=body, headers=merchant.headers(key))).json()["id"]
    )
    done = await http.post(
        f"/v1/payments/{pid}/capture", json={}, headers=merchant.headers(key + "-c")
    )
    assert done.status_code == 200 and done.json()["status"] == "succeeded", done.text
    return pid


def _refunded(simulator: Simulator, pid: str) -> list[int]:
    return [e["amount"] for e in simulator.effects(pid) if e["operation"] == "refund"]


async def test_two_refunds_of_a_closed_payment_cost_two_actions_each(
    http: httpx.AsyncClient, client: Client, merchant: Merchant, simulator: Simulator
) -> None:
    pid = await _captured(http, merchant, 1000, "two")
    assert (await client.get_workflow_handle(pid).describe()).status == (
        WorkflowExecutionStatus.COMPLETED
    ), "the payment's workflow closed at capture"
    ids = []
    for key, amount in (("r1", 300), ("r2", 200)):
        made = await http.post(f"/v1/payments/{pid}/refunds", json={"amount": amount},
                               headers=merchant.headers(key))  # fmt: skip
        assert made.status_code == 200, made.text
        assert (made.json()["amount"], made.json()["payment_id"]) == (amount, pid)
        ids.append(made.json()["id"])
    assert _refunded(simulator, pid) == [300, 200]
    for refund_id in ids:
        handle = client.get_workflow_handle(refund_workflow_id(pid, refund_id))
        events = [e async for e in handle.fetch_history_events()]
        assert billable_actions(events) == 2


async def test_concurrent_refunds_for_more_than_captured_make_only_what_was_captured(
    http: httpx.AsyncClient, merchant: Merchant, simulator: Simulator
) -> None:
    pid = await _captured(http, merchant, 1000, "race")
    answers = await asyncio.gather(*(
        http.post(f"/v1/payments/{pid}/refunds", json={"amount": 300},
                  headers=merchant.headers(f"race-{i}"))
        for i in range(6)
    ))  # fmt: skip
    made = [a for a in answers if a.status_code == 200]
    assert len(made) == 3, [a.text for a in answers]
    refused = [a for a in answers if a.status_code != 200]
    assert all(a.status_code == 422 for a in refused), [a.text for a in refused]
    assert all("exceeds the refundable" in a.json()["error"]["message"] for a in refused)
    assert sorted(_refunded(simulator, pid)) == [300, 300, 300]


async def test_a_repeated_refund_answers_with_the_first(
    http: httpx.AsyncClient, client: Client, merchant: Merchant, simulator: Simulator
) -> None:
    pid = await _captured(http, merchant, 800, "again")
    url, headers = f"/v1/payments/{pid}/refunds", merchant.headers("same-key")
    first, second = [await http.post(url, json={"amount": 100}, headers=headers) for _ in "ab"]
    assert first.status_code == 200 and first.content == second.content
    # Past the API's own idempotency store: the same refund id joins the same refund workflow.
    req = RefundRequest(refund_id=first.json()["id"], amount=100)
    again = await asyncio.gather(*(ops.refund(client, pid, req) for _ in range(3)))
    assert {r.refund_id for r in again} == {first.json()["id"]}
    assert len({r.processor_refund_id for r in again}) == 1
    assert _refunded(simulator, pid) == [100]


async def test_a_refund_after_the_window_is_refused(
    api_settings: ApiSettings, api_worker: None, merchant: Merchant, simulator: Simulator
) -> None:
    short = api_settings.model_copy(update={"refund_window_seconds": 1})
    async with app_client(short) as http:
        pid = await _captured(http, merchant, 500, "late")
        await asyncio.sleep(1.5)
        late = await http.post(f"/v1/payments/{pid}/refunds", json={"amount": 100},
                               headers=merchant.headers("late-r"))  # fmt: skip
    assert late.status_code == 409, late.text
    assert "refund window" in late.json()["error"]["message"]
    assert _refunded(simulator, pid) == []
