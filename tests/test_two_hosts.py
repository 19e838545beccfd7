"""Two hosts sharing only PostgreSQL, the Temporal server, the processor and the keyring files.

Each host runs its own ``python -m api`` and ``worker.py`` on its own run folder; the merchant's
key is given to host A only, so host B knows the merchant only through the shared database.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from api.temporal import derived_id
from stack.postgres import PostgresCluster
from tests.helpers import Simulator
from tests.hosts_client import (
    ANSWERS,
    PAY,
    HostsClient,
    Merchant,
    effect_problems,
    in_flight_at,
    payment_body,
)
from tests.pg_support import fresh_database, pg_cluster  # noqa: F401 - a session fixture
from tests.two_hosts_support import Host, Shared

PAYMENTS = 130
IN_FLIGHT = 100  # authorized before the kill, captured after it
KILL_MARGIN = 2
"""Kill at ``IN_FLIGHT`` plus this: an automatic payment counted at the check may finish its
capture before the kill lands (CI once saw 99 at the kill after 100 at the check). The 104
manual payments stay in flight until the test captures them after the kill, so 102 is reached."""
# Not all 130 at once: on 2 busy cores some Update-with-Starts then outlast the confirm wait
# before the workflow exists, and the API answers those creates a final 404 (a known defect).
CONCURRENT_CREATES = 24
FINISHING = 16
CAPTURE_LATENCY_MS = 2000  # automatic payments are still capturing when host A dies


@pytest.fixture(scope="module")
def merchant() -> Merchant:
    """The merchant of every payment here."""
    return Merchant.new()


@pytest.fixture(scope="module")
async def hosts(
    tmp_path_factory: pytest.TempPathFactory,
    temporal_address: str,
    simulator: Simulator,
    pg_cluster: PostgresCluster,  # noqa: F811 - the imported fixture
    merchant: Merchant,
) -> AsyncIterator[tuple[Host, Host]]:
    """Host A (which registers the merchant's key) and host B, both started."""
    url = fresh_database(pg_cluster)
    shared = Shared.make(tmp_path_factory.mktemp("keys"), temporal_address, simulator.url, url)
    root = tmp_path_factory.mktemp("hosts")
    a = Host("host-a", shared, root, api_keys={merchant.id: merchant.key})
    b = Host("host-b", shared, root)
    try:
        # At once, as a deployment starts its hosts: the migrations are applied under a lock.
        await asyncio.gather(a.start(), b.start())
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture
async def client(merchant: Merchant) -> AsyncIterator[HostsClient]:
    """The merchant's client of both hosts."""
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=300)) as http:
        yield HostsClient(http, merchant)


def test_the_hosts_share_only_the_database(hosts: tuple[Host, Host]) -> None:
    a, b = hosts
    assert (a.store_files(), b.store_files()) == ([], [])


async def test_one_key_sent_to_both_hosts_at_once_makes_one_payment(
    hosts: tuple[Host, Host], client: HostsClient, simulator: Simulator
) -> None:
    a, b = hosts
    payment_ids = set()
    for round_ in range(4):
        key, body = f"both-{round_}-{uuid.uuid4().hex[:6]}", payment_body(1000 + round_)
        headers = client.merchant.headers(key)
        both = await asyncio.gather(
            *(client.http.post(h.url + PAY, json=body, headers=headers) for h in (a, b))
        )
        assert [r.status_code for r in both if r.status_code not in (200, 409)] == [], both[0].text
        fresh = [r for r in both if r.status_code == 200 and "idempotent-replayed" not in r.headers]
        assert len(fresh) == 1, [(r.status_code, dict(r.headers)) for r in both]
        # Retried through each host: the one answer, replayed byte for byte.
        for host in (a, b):
            again = await client.post([host.url], PAY, body, key)
            assert (again.status_code, again.headers.get("idempotent-replayed")) == (200, "true")
            assert again.content == fresh[0].content
        payment_ids.add(fresh[0].json()["id"])
    assert len(payment_ids) == 4
    assert effect_problems(simulator, payment_ids) == []


async def test_a_card_saved_through_host_a_pays_through_host_b(
    hosts: tuple[Host, Host], client: HostsClient, simulator: Simulator
) -> None:
    a, b = hosts
    first = await client.post([a.url], PAY, payment_body(1500), f"save-{uuid.uuid4().hex[:6]}")
    assert first.status_code == 200, first.text
    saved = first.json()
    assert saved["payment_method"].startswith("pm_")
    body = {"amount": 700, "currency": "USD", "payment_method": saved["payment_method"]}
    again = await client.post([b.url], PAY, body, f"reuse-{uuid.uuid4().hex[:6]}")
    assert again.status_code == 200, again.text
    paid = again.json()
    assert (paid["status"], paid["amount_captured"]) == ("succeeded", 700)
    assert (paid["payment_method"], paid["card"]) == (saved["payment_method"], saved["card"])
    listed = await client.http.get(f"{b.url}{PAY}?limit=100", headers=client.merchant.headers())
    assert saved["id"] in {p["id"] for p in listed.json()["data"]}  # B's listing has A's payment
    assert effect_problems(simulator, {saved["id"], paid["id"]}) == []


async def _kill_when_in_flight(
    sim: Simulator, a: Host, ids: set[str], done: asyncio.Future[list[str]]
) -> datetime:
    """SIGKILL host A once ``IN_FLIGHT`` (and the margin) payments hold an authorization not yet
    captured."""
    while not done.done():
        if await asyncio.to_thread(in_flight_at, sim, ids) >= IN_FLIGHT + KILL_MARGIN:
            break
        await asyncio.sleep(0.3)
    a.kill()
    return datetime.now(UTC)


async def _create(client: HostsClient, a: Host, b: Host, i: int, gate: asyncio.Semaphore) -> str:
    """Payment ``i``, through host A or B (the other one if it is unreachable)."""
    urls = [a.url, b.url] if i % 4 < 2 else [b.url, a.url]
    async with gate:
        resp = await client.post(urls, PAY, payment_body(100 + i, manual(i)), f"p-{i}", 120)
    assert resp.status_code in (200, 202), resp.text
    return str(resp.json()["id"])


async def _finish(client: HostsClient, b: Host, pid: str, is_manual: bool) -> dict[str, object]:
    """Wait for the payment through host B, capture it there if manual; its final view."""
    if is_manual:
        view = await client.wait_status(b.url, pid, {"requires_capture"}, budget=90)
        assert view["status"] == "requires_capture", view
        resp = await client.post([b.url], f"{PAY}/{pid}/capture", {}, f"cap-{pid}")
        assert resp.status_code == 200, resp.text
    return await client.wait_status(b.url, pid, {"succeeded"}, budget=90)


def manual(i: int) -> bool:
    """Most payments wait for a capture, so they are in flight whatever the machine's speed."""
    return i % 5 != 0


async def test_host_a_killed_with_100_payments_in_flight_loses_nothing(
    hosts: tuple[Host, Host], client: HostsClient, simulator: Simulator
) -> None:
    a, b = hosts
    ids = [derived_id("pay", client.merchant.id, f"p-{i}") for i in range(PAYMENTS)]
    simulator.faults(latency_ms=CAPTURE_LATENCY_MS, operations=["capture"])
    try:
        gate = asyncio.Semaphore(CONCURRENT_CREATES)
        creating = asyncio.gather(*(_create(client, a, b, i, gate) for i in range(PAYMENTS)))
        killed_at = await _kill_when_in_flight(simulator, a, set(ids), creating)
        assert await creating == ids
        assert (a.api.returncode, a.worker.returncode) == (-9, -9)
        finish = asyncio.Semaphore(FINISHING)

        async def finish_one(i: int) -> dict[str, object]:
            async with finish:
                return await _finish(client, b, ids[i], manual(i))

        views = await asyncio.gather(*(finish_one(i) for i in range(PAYMENTS)))
    finally:
        simulator.faults()
    assert in_flight_at(simulator, set(ids), killed_at) >= IN_FLIGHT
    finals = {(v["status"], v["amount_captured"] == v["amount"]) for v in views}
    assert finals == {("succeeded", True)}, [v for v in views if v["status"] != "succeeded"][:3]
    assert effect_problems(simulator, set(ids)) == []
    assert set(client.seen) <= ANSWERS, client.seen
