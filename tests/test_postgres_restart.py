"""PostgreSQL stopped and started again (same port) while payments run through one host.

One run of the scenario, two verdicts: nothing is lost or charged twice, and during the outage
the API answers only what a client retries with the same Idempotency-Key (409 in flight, 503),
or waits; never a wrong answer, never a 500.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.temporal import derived_id
from stack.postgres import PostgresCluster
from tests.helpers import Simulator
from tests.hosts_client import ANSWERS, PAY, HostsClient, Merchant, effect_problems, payment_body
from tests.pg_support import fresh_database
from tests.two_hosts_support import Host, Shared

PAYMENTS = 48
# Longer than the stores' wait for a pool connection (10 s, stores/pg.py): requests caught by
# the outage must be answered, with a 503 the client retries (a 500 before 7d35374).
DOWN_SECONDS = 12.0
LATENCY_MS = 300  # every processor call: payments are mid-step when the database goes


@dataclass(frozen=True)
class Outcome:
    """What the run left: ids expected, final views, ids on a retry, every answer seen."""

    ids: list[str]
    views: list[dict[str, Any]]
    again: list[str]
    seen: Counter[int]
    survived: bool
    store_files: list[str]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCluster]:
    """A cluster of this module's own: stopping it must not disturb other tests' databases."""
    cluster = PostgresCluster(tmp_path_factory.mktemp("pg-restart"))
    cluster.start()
    yield cluster
    cluster.remove()


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


async def _pay(client: HostsClient, host: Host, i: int) -> dict[str, Any]:
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


async def _run(client: HostsClient, one: Host, cluster: PostgresCluster) -> list[dict[str, Any]]:
    views, _ = await asyncio.gather(
        asyncio.gather(*(_pay(client, one, i) for i in range(PAYMENTS))),
        _outage(cluster, after=2.0),
    )
    return list(views)


@pytest.fixture(scope="module")
async def outcome(
    tmp_path_factory: pytest.TempPathFactory,
    cluster: PostgresCluster,
    temporal_address: str,
    simulator: Simulator,
) -> AsyncIterator[Outcome]:
    """One host on the cluster, payments through it, the outage among them."""
    root, merchant = tmp_path_factory.mktemp("pg-restart-host"), Merchant.new()
    url = fresh_database(cluster)
    one = Host("host", Shared.make(root / "keys", temporal_address, simulator.url, url), root,
               api_keys={merchant.id: merchant.key})  # fmt: skip
    simulator.faults(latency_ms=LATENCY_MS, operations=["authorize", "capture"])
    try:
        await one.start()
        async with httpx.AsyncClient(timeout=60) as http:
            client = HostsClient(http, merchant)
            views = await _run(client, one, cluster)
            simulator.faults()
            # Every create retried once more with its key: the same payment, never a new one.
            again = [await client.post([one.url], PAY, _body(i), f"r-{i}") for i in range(PAYMENTS)]
        ids = [derived_id("pay", merchant.id, f"r-{i}") for i in range(PAYMENTS)]
        survived = one.api.alive and one.worker.alive
        yield Outcome(ids, views, [r.json()["id"] for r in again], client.seen, survived,
                      one.store_files())  # fmt: skip
    finally:
        simulator.faults()
        one.stop()


def test_postgres_restarted_under_load_loses_nothing(
    outcome: Outcome, simulator: Simulator
) -> None:
    assert [v["id"] for v in outcome.views] == outcome.again == outcome.ids
    finals = {(v["status"], v["amount_captured"] == v["amount"]) for v in outcome.views}
    assert finals == {("succeeded", True)}
    assert effect_problems(simulator, set(outcome.ids)) == []
    assert outcome.survived  # the API and the worker rode the outage out, nobody restarted them
    assert outcome.store_files == []


def test_the_outage_is_answered_only_with_retryable_answers(outcome: Outcome) -> None:
    assert set(outcome.seen) <= ANSWERS, f"answers during the outage: {dict(outcome.seen)}"
