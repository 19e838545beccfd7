"""No worker polls the API's task queue: a create answers 202 with the payment in bounded time,
and a retry with the same key gets the final answer once a worker runs; reads (GET, the list,
``starter.py status``) answer as before with every worker stopped, and a finished payment's
read costs no billable action (no query)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import httpx
from temporalio.client import (
    Client,
    DescribeWorkflowInput,
    Interceptor,
    OutboundInterceptor,
    QueryWorkflowInput,
    WorkflowExecutionDescription,
)

from api.deps import AppState
from api.main import create_app
from api.settings import ApiSettings
from api.temporal import derived_id
from api.views import payment_out
from facade import operations as ops
from facade.reads import Reader
from infra.actions import billable_actions
from payments.status import PaymentStatus
from stack.commands import REPO_ROOT, child_env
from tests.api.conftest import Merchant, app_client, env_of, payment_body
from worker import build_worker, worker_http

WAIT = 1.0
# The README's bound: PAYMENTS_CONFIRM_WAIT_SECONDS plus 2 s (plus slack for a busy machine).
BOUND = WAIT + 2 + 2


def _no_worker(settings: ApiSettings) -> ApiSettings:
    queue = f"idle-{uuid.uuid4().hex[:8]}"
    return settings.model_copy(update={"task_queue": queue, "confirm_wait_seconds": WAIT})


async def _post(http: httpx.AsyncClient, m: Merchant, key: str, body: Any) -> httpx.Response:
    return await http.post("/v1/payments", json=body, headers=m.headers(key))


async def test_with_no_worker_a_create_answers_202_then_the_retry_gets_the_final_answer(
    api_settings: ApiSettings, client: Client, merchant: Merchant
) -> None:
    idle = _no_worker(api_settings)
    async with app_client(idle) as http:
        started = time.monotonic()
        first = await _post(http, merchant, "k-ok", payment_body(2500))
        took = time.monotonic() - started
        assert first.status_code == 202, first.text
        assert took < BOUND
        p = first.json()
        assert p["id"] == derived_id("pay", merchant.id, "k-ok")
        assert (p["status"], p["amount"], p["currency"]) == ("processing", 2500, "USD")
        assert (p["card"]["brand"], p["card"]["last4"]) == ("visa", "4242")
        declined = await _post(http, merchant, "k-no", payment_body(name="decline"))
        assert declined.status_code == 202
        # Reads need no worker: GET answers from the view the create kept; a reader without the
        # API's store answers from the workflow's start input (history), both ``processing``.
        got = await http.get(f"/v1/payments/{p['id']}", headers=merchant.headers())
        assert (got.status_code, got.json()) == (200, p)
        bare = await Reader(client, query_seconds=0.5).read(p["id"])
        assert (bare.status, bare.amount, bare.created_at) == (
            PaymentStatus.PENDING,
            2500,
            got_at(p),
        )
        async with worker_http(idle) as w, build_worker(client, idle, w):
            again = await _post(http, merchant, "k-ok", payment_body(2500))
            assert (again.status_code, again.json()["id"]) == (200, p["id"])
            assert again.json()["status"] == "succeeded"
            assert again.json()["created_at"] == p["created_at"]
            no = await _post(http, merchant, "k-no", payment_body(name="decline"))
            assert no.status_code == 402
            assert no.json()["error"]["payment_id"] == declined.json()["id"]


def got_at(payment: Any) -> datetime:
    """A payment's ``created_at`` as the API wrote it."""
    return datetime.fromisoformat(str(payment["created_at"]).replace("Z", "+00:00"))


class _Counted(OutboundInterceptor):
    """Counts the API client's queries (billable, and answered only by a worker) and describes."""

    def __init__(self, next: OutboundInterceptor, calls: Counter[str]) -> None:
        super().__init__(next)
        self.calls = calls

    async def query_workflow(self, input: QueryWorkflowInput) -> Any:
        self.calls["query"] += 1
        return await super().query_workflow(input)

    async def describe_workflow(self, input: DescribeWorkflowInput) -> WorkflowExecutionDescription:
        self.calls["describe"] += 1
        return await super().describe_workflow(input)


class _Counting(Interceptor):
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _Counted(next, self.calls)


@asynccontextmanager
async def _counted_app(
    settings: ApiSettings,
) -> AsyncIterator[tuple[httpx.AsyncClient, Counter[str]]]:
    """The API in process, its Temporal client counting queries and describes."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        state: AppState = app.state.payments
        counting = _Counting()
        config = state.client.config()
        config["interceptors"] = [*config["interceptors"], counting]
        state.client = Client(**config)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            yield http, counting.calls


async def _actions(client: Client, payment_id: str) -> int:
    history = await client.get_workflow_handle(payment_id).fetch_history()
    return billable_actions(history.events)


async def _gets(http: httpx.AsyncClient, m: Merchant, ids: list[str]) -> list[Any]:
    answers = [await http.get(f"/v1/payments/{i}", headers=m.headers()) for i in ids]
    assert [a.status_code for a in answers] == [200] * len(ids), [a.text for a in answers]
    return [a.json() for a in answers]


async def _listed(http: httpx.AsyncClient, m: Merchant, status: str | None = None) -> Any:
    params = {"limit": "100", **({"status": status} if status else {})}
    answer = await http.get("/v1/payments", headers=m.headers(), params=params)
    assert answer.status_code == 200, answer.text
    return {p["id"]: p["status"] for p in answer.json()["data"]}


def _starter_status(settings: ApiSettings, payment_id: str) -> Any:
    """``starter.py --json status`` on Temporal (direct mode), with the API's run folder."""
    argv = [sys.executable, str(REPO_ROOT / "starter.py"), "--json", "status", payment_id]
    env = child_env(env_of(settings))
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def test_with_every_worker_stopped_reads_answer_as_before_and_cost_no_action(
    api_settings: ApiSettings, client: Client, merchant: Merchant, other_merchant: Merchant
) -> None:
    settings = api_settings.model_copy(update={"task_queue": f"reads-{uuid.uuid4().hex[:8]}"})
    async with _counted_app(settings) as (http, calls):
        async with worker_http(settings) as w, build_worker(client, settings, w):
            paid = await _post(http, merchant, "k-cap", payment_body(2500))
            declined = await _post(http, merchant, "k-dec", payment_body(name="decline"))
            manual = await _post(
                http, merchant, "k-man", payment_body(1200, capture_method="manual")
            )
            assert (paid.status_code, declined.status_code, manual.status_code) == (200, 402, 200)
            ids = [paid.json()["id"], declined.json()["error"]["payment_id"], manual.json()["id"]]
            # The captured and the declined payments' workflows have closed: finished payments.
            for finished in ids[:2]:
                await client.get_workflow_handle(finished).result()
            # What GET answered before this issue: the ``view`` Query, as the worker answers it.
            views = [await ops.payment_view(client, i, refunds=None) for i in ids]
            expected = [payment_out(v, "en").model_dump(mode="json") for v in views]
        # Every worker of the API's task queue is stopped from here on.
        actions = [await _actions(client, i) for i in ids]
        calls.clear()
        assert await _gets(http, merchant, ids) == expected
        assert [e["status"] for e in expected] == ["succeeded", "failed", "requires_capture"]
        assert expected[1]["failure"]["code"] == "card_declined"
        assert await _listed(http, merchant) == {
            i: e["status"] for i, e in zip(ids, expected, strict=True)
        }
        assert await _listed(http, merchant, "failed") == {ids[1]: "failed"}
        assert calls["query"] == 0
        # Read again, a finished payment answers from the API's read model: no Temporal call.
        calls.clear()
        assert await _gets(http, merchant, ids[:2]) == expected[:2]
        assert sum(calls.values()) == 0
        assert [await _actions(client, i) for i in ids] == actions
        # Another merchant's payment is unknown, exactly as an id that does not exist.
        theirs = await http.get(f"/v1/payments/{ids[0]}", headers=other_merchant.headers())
        unknown = await http.get("/v1/payments/pay_00000000unknown", headers=merchant.headers())
        assert theirs.status_code == unknown.status_code == 404
        assert theirs.json()["error"]["message"] == unknown.json()["error"]["message"]
        # ``starter.py status`` reads the same way, on the API's store, with no worker either.
        for i, view in zip(ids, views, strict=True):
            shown = await asyncio.to_thread(_starter_status, settings, i)
            assert shown == json.loads(view.model_dump_json())
        assert [await _actions(client, i) for i in ids] == actions
