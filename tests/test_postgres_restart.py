"""PostgreSQL stopped and started again (same port) while payments run through one host.

Nothing is lost or charged twice; during the outage the API answers only what a client can
retry with the same Idempotency-Key (409 in flight, 503) or waits, never a wrong answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from api.temporal import derived_id
from stack.postgres import PostgresCluster
from tests.helpers import Simulator
from tests.hosts_client import ANSWERS, PAY, HostsClient, Merchant, effect_problems, payment_body
from tests.pg_support import fresh_database
from tests.two_hosts_support import Host, Shared

PAYMENTS = 48
DOWN_SECONDS = 4.0
LATENCY_MS = 300  # every processor call: payments are mid-step when the database goes


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCluster]:
    """A cluster of this module's own: stopping it must not disturb other tests' databases."""
    cluster = PostgresCluster(tmp_path_factory.mktemp("pg-restart"))
    cluster.start()
    yield cluster
    cluster.remove()


@pytest.fixture
async def host(
    tmp_path: Path, cluster: PostgresCluster, temporal_address: str, simulator: Simulator
) -> AsyncIterator[tuple[Host, Merchant]]:
    """One host on the cluster, with a merchant of its own."""
    merchant = Merchant.new()
    shared = Shared.make(tmp_path / "keys", temporal_address, simulator.url,
                         fresh_database(cluster))  # fmt: skip
    one = Host("host", shared, tmp_path, api_keys={merchant.id: merchant.key})
    try:
        yield await one.start(), merchant
    finally:
        one.stop()


async def _outage(cluster: PostgresCluster, after: float) -> None:
    """Stop the server at once (no checkpoint, clients cut off), start it on the same port."""
    port = cluster.info.port if cluster.info else None
    await asyncio.sleep(after)
    await asyncio.to_thread(cluster.stop, mode="immediate")
    await asyncio.sleep(DOWN_SECONDS)
    await asyncio.to_thread(cluster.start)
    assert cluster.info is not None and cluster.info.port == port  # the hosts' URL still holds


def _body(i: int) -> dict[str, object]:
    return payment_body(200 + i, manual=i % 2 == 1)


async def _pay(client: HostsClient, host: Host, i: int) -> dict[str, object]:
    """Payment ``i``, started after a stagger so the outage falls among the creates."""
    await asyncio.sleep(i * 0.15)
    resp = await client.post([host.url], PAY, _body(i), f"r-{i}", budget=90)
    assert resp.status_code in (200, 202), resp.text
    pid = str(resp.json()["id"])
    if i % 2 == 1:
        view = await client.wait_status(host.url, pid, {"requires_capture"}, budget=60)
        assert view["status"] == "requires_capture", view
        done = await client.post([host.url], f"{PAY}/{pid}/capture", {}, f"cap-{pid}", 90)
        assert done.status_code == 200, done.text
    return await client.wait_status(host.url, pid, {"succeeded"}, budget=60)


async def test_postgres_restarted_under_load_loses_nothing(
    host: tuple[Host, Merchant], cluster: PostgresCluster, simulator: Simulator
) -> None:
    one, merchant = host
    ids = [derived_id("pay", merchant.id, f"r-{i}") for i in range(PAYMENTS)]
    simulator.faults(latency_ms=LATENCY_MS, operations=["authorize", "capture"])
    async with httpx.AsyncClient(timeout=60) as http:
        client = HostsClient(http, merchant)
        try:
            views, _ = await asyncio.gather(
                asyncio.gather(*(_pay(client, one, i) for i in range(PAYMENTS))),
                _outage(cluster, after=2.0),
            )
        finally:
            simulator.faults()
        # Every create retried once more with its key: the same payment, never a new one.
        again = [await client.post([one.url], PAY, _body(i), f"r-{i}") for i in range(PAYMENTS)]
    assert [v["id"] for v in views] == [r.json()["id"] for r in again] == ids
    finals = {(v["status"], v["amount_captured"] == v["amount"]) for v in views}
    assert finals == {("succeeded", True)}, [v for v in views if v["status"] != "succeeded"][:3]
    assert effect_problems(simulator, set(ids)) == []
    assert set(client.seen) <= ANSWERS, client.seen
    assert one.api.alive and one.worker.alive  # they rode the outage out, nobody restarted them
    assert one.store_files() == []
