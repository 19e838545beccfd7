"""``GET /v1/payments``: strict newest-first order, stable cursors, bad cursors, and one creation
time in the list and in ``GET``."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from temporalio.client import Client

from api.settings import ApiSettings
from api.temporal import derived_id
from tests.api.conftest import Merchant, app_client, payment_body
from worker import build_worker, worker_http

JSON = dict[str, Any]


async def _create(http: httpx.AsyncClient, m: Merchant, key: str, body: JSON) -> str:
    resp = await http.post("/v1/payments", json=body, headers=m.headers(key))
    assert resp.status_code in (200, 402), resp.text
    found = resp.json()
    return str(found["id"] if resp.status_code == 200 else found["error"]["payment_id"])


async def _list(http: httpx.AsyncClient, m: Merchant, **params: str) -> JSON:
    resp = await http.get("/v1/payments", params=params, headers=m.headers())
    assert resp.status_code == 200, resp.text
    found: JSON = resp.json()
    return found


async def _eventually(check: Callable[[], Awaitable[JSON]], want: list[str]) -> None:
    got: list[str] = []
    for _ in range(50):  # visibility is updated asynchronously (milliseconds on the dev server)
        got = [x["id"] for x in (await check())["data"]]
        if got == want:
            return
        await asyncio.sleep(0.1)
    assert got == want


async def test_newest_first_although_later_payments_close_first_and_cursors_never_shift(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    manual = payment_body(capture_method="manual")
    a, b, c = [await _create(http, merchant, f"open-{i}", manual) for i in range(3)]
    first = await _list(http, merchant, limit="2")
    assert [x["id"] for x in first["data"]] == [c, b] and first["has_more"]
    # Now the two newest close (canceled) and a newer one closes at once (declined).
    for pid in (c, b):
        resp = await http.post(f"/v1/payments/{pid}/cancel", json={},
                               headers=merchant.headers(f"cancel-{pid}"))  # fmt: skip
        assert resp.status_code == 200, resp.text
    d = await _create(http, merchant, "declined", payment_body(name="decline"))
    # The cursor taken before they closed still means "older than b".
    second = await _list(http, merchant, limit="2", page=first["next_page"])
    assert ([x["id"] for x in second["data"]], second["has_more"]) == ([a], False)
    everything = await _list(http, merchant, limit="10")
    assert [x["id"] for x in everything["data"]] == [d, c, b, a]
    created = [x["created_at"] for x in everything["data"]]
    assert created == sorted(created, reverse=True) and len(set(created)) == 4
    # A status filter keeps the order, and pages through it.
    await _eventually(lambda: _list(http, merchant, status="canceled"), [c, b])
    await _eventually(lambda: _list(http, merchant, status="requires_capture"), [a])
    one = await _list(http, merchant, status="canceled", limit="1")
    assert [x["id"] for x in one["data"]] == [c]
    rest = await _list(http, merchant, status="canceled", limit="1", page=one["next_page"])
    assert [x["id"] for x in rest["data"]] == [b]


@pytest.mark.parametrize("page", ["garbage", "eyJhIjoxfQ", "WzEsMl0", "%%%", "W-1"])
async def test_a_bad_cursor_is_400_at_once(
    http: httpx.AsyncClient, merchant: Merchant, page: str
) -> None:
    started = time.monotonic()
    resp = await http.get("/v1/payments", params={"page": page}, headers=merchant.headers())
    assert time.monotonic() - started < 2
    err = resp.json()["error"]
    assert (resp.status_code, err["code"], err["param"]) == (400, "parameter_invalid", "page")


async def test_a_late_worker_leaves_one_creation_time_in_get_and_list(
    api_settings: ApiSettings, client: Client, merchant: Merchant
) -> None:
    # A queue no worker polls yet: the workflow's first task runs only once one starts.
    queue = f"late-{uuid.uuid4().hex[:8]}"
    idle = api_settings.model_copy(update={"task_queue": queue, "confirm_wait_seconds": 1.0})
    pid = derived_id("pay", merchant.id, "late")
    body, headers = payment_body(), merchant.headers("late")
    async with app_client(idle) as http:
        await http.post("/v1/payments", json=body, headers=headers)  # no result yet
        await asyncio.sleep(1.5)  # the worker starts well after the API accepted the payment
        async with worker_http(idle) as w, build_worker(client, idle, w):
            done = await http.post("/v1/payments", json=body, headers=headers)
            assert (done.status_code, done.json()["id"]) == (200, pid)
            got = (await http.get(f"/v1/payments/{pid}", headers=merchant.headers())).json()
            listed = (await http.get("/v1/payments", headers=merchant.headers())).json()
    assert [x["id"] for x in listed["data"]] == [pid]
    assert got["created_at"] == listed["data"][0]["created_at"] == done.json()["created_at"]
