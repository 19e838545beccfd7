"""The idempotency store's rules, on SQLite and on PostgreSQL: one suite, every case on both."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import time
from pathlib import Path

from stores.database import Database
from stores.idempotency import (
    Claimed,
    IdempotencyStore,
    InUse,
    Mismatch,
    Policy,
    Replay,
    open_idempotency,
)
from tests.stores.backends import Backend, backend_fixture, pg_cluster, pg_url  # noqa: F401

SECRET = b"s" * 32
HOSTS = 20


async def _store(
    on: Backend, *, lease: float = 0.3, deadline: float = 30, host: bool = False
) -> IdempotencyStore:
    policy = Policy(lease_seconds=lease, deadline_seconds=deadline, retention_hours=48)
    if host:  # another API host: its own pool (PostgreSQL) or connections (SQLite)
        return IdempotencyStore(await on.key_rows(), SECRET, policy)
    return await open_idempotency(on.db, SECRET, policy)


async def test_claim_replay_mismatch_and_in_use(backend: Backend) -> None:
    store = await _store(backend)
    first = await store.claim("m", "k", "fp")
    assert isinstance(first, Claimed)
    assert isinstance(await store.claim("m", "k", "fp"), InUse)
    assert isinstance(await store.claim("m", "k", "other"), Mismatch)
    assert isinstance(await store.claim("other-merchant", "k", "other"), Claimed)
    await store.finish("m", "k", first.owner, 201, b'{"id":"pay_1"}')
    assert await store.claim("m", "k", "fp") == Replay(201, b'{"id":"pay_1"}')
    assert isinstance(await store.claim("m", "k", "other"), Mismatch)


async def test_a_released_key_is_claimed_again_by_the_same_request_only(backend: Backend) -> None:
    store = await _store(backend)
    first = await store.claim("m", "k", "fp")
    assert isinstance(first, Claimed)
    await store.release("m", "k", first.owner)
    assert isinstance(await store.claim("m", "k", "other"), Mismatch)
    second = await store.claim("m", "k", "fp")
    assert isinstance(second, Claimed) and second.owner != first.owner


async def test_finish_and_release_by_a_former_owner_are_ignored(backend: Backend) -> None:
    store = await _store(backend)
    first = await store.claim("m", "k", "fp")
    assert isinstance(first, Claimed)
    await store.release("m", "k", first.owner)
    second = await store.claim("m", "k", "fp")
    assert isinstance(second, Claimed)
    await store.finish("m", "k", first.owner, 200, b"old")
    await store.release("m", "k", first.owner)
    assert isinstance(await store.claim("m", "k", "fp"), InUse)
    await store.finish("m", "k", second.owner, 200, b"new")
    assert await store.claim("m", "k", "fp") == Replay(200, b"new")


async def test_a_claim_of_another_host_is_free_once_its_lease_lapses(backend: Backend) -> None:
    store = await _store(backend, lease=0.6)
    first = await store.claim("m", "k", "fp")
    assert isinstance(first, Claimed)
    await backend.execute("UPDATE idempotency SET owner_host = 'elsewhere', owner_pid = 1")
    for _ in range(3):  # renewed: held past its first lease
        await asyncio.sleep(0.25)
        await store.renew("m", "k", first.owner)
        assert isinstance(await store.claim("m", "k", "fp"), InUse)
    await asyncio.sleep(0.8)  # its owner stopped renewing
    second = await store.claim("m", "k", "fp")
    assert isinstance(second, Claimed) and second.owner != first.owner
    await store.renew("m", "k", first.owner)  # too late: the key is the new owner's
    await asyncio.sleep(0.8)
    assert isinstance(await store.claim("m", "k", "fp"), Claimed)


async def test_a_claim_of_a_dead_process_on_this_host_is_taken_over_at_once(
    backend: Backend,
) -> None:
    store = await _store(backend, lease=60)
    assert isinstance(await store.claim("m", "k", "fp"), Claimed)
    assert isinstance(await store.claim("m", "k", "fp"), InUse)
    gone = subprocess.Popen(["true"])
    gone.wait()
    await backend.execute("UPDATE idempotency SET owner_pid = ?", gone.pid)
    assert isinstance(await store.claim("m", "k", "fp"), Claimed)


async def test_a_claim_older_than_the_request_deadline_is_stale_even_if_renewed(
    backend: Backend,
) -> None:
    store = await _store(backend, lease=60, deadline=0.2)
    first = await store.claim("m", "k", "fp")
    assert isinstance(first, Claimed)
    await asyncio.sleep(0.3)
    await store.renew("m", "k", first.owner)
    assert isinstance(await store.claim("m", "k", "fp"), Claimed)


async def test_keys_past_their_retention_are_purged_unless_in_flight(backend: Backend) -> None:
    store = await _store(backend)
    done = await store.claim("m", "done", "fp")
    assert isinstance(done, Claimed)
    await store.finish("m", "done", done.owner, 200, b"{}")
    assert isinstance(await store.claim("m", "busy", "fp"), Claimed)
    await backend.execute("UPDATE idempotency SET created_at = ?", time.time() - 49 * 3600)
    later = await _store(backend)  # a new process purges on its first claim
    assert isinstance(await later.claim("m", "done", "another request"), Claimed)
    assert isinstance(await later.claim("m", "busy", "another request"), Mismatch)


async def test_one_of_many_hosts_claiming_a_new_key_at_once_wins(backend: Backend) -> None:
    hosts = [await _store(backend, host=True) for _ in range(HOSTS)]
    await _store(backend)  # the schema
    outcomes = await asyncio.gather(*(h.claim("m", "k", "fp") for h in hosts))
    assert sum(isinstance(o, Claimed) for o in outcomes) == 1
    assert sum(isinstance(o, InUse) for o in outcomes) == HOSTS - 1


async def test_one_of_many_hosts_retrying_a_released_key_at_once_wins(backend: Backend) -> None:
    store = await _store(backend)
    first = await store.claim("m", "k", "fp")
    assert isinstance(first, Claimed)
    await store.release("m", "k", first.owner)
    hosts = [await _store(backend, host=True) for _ in range(HOSTS)]
    outcomes = await asyncio.gather(*(h.claim("m", "k", "fp") for h in hosts))
    assert sum(isinstance(o, Claimed) for o in outcomes) == 1
    assert sum(isinstance(o, InUse) for o in outcomes) == HOSTS - 1


async def test_fingerprints_tell_requests_apart_and_hold_no_body(backend: Backend) -> None:
    store = await _store(backend)
    body = b'{"card":"4242424242424242"}'
    fp = store.fingerprint("POST", "/v1/payments", body)
    assert fp == store.fingerprint("POST", "/v1/payments", body)
    assert fp != store.fingerprint("POST", "/v1/payments", body + b" ")
    assert "4242" not in fp and len(fp) == 64


async def test_an_api_db_from_before_migrations_and_leases_is_migrated_and_private(
    tmp_path: Path,
) -> None:
    path = tmp_path / "api.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE idempotency (merchant_id TEXT NOT NULL, key TEXT NOT NULL,"
            " fingerprint TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN"
            " ('in_flight', 'done', 'released')), status INTEGER, body BLOB,"
            " created_at REAL NOT NULL, claimed_at REAL NOT NULL, PRIMARY KEY (merchant_id, key))"
        )
        now = time.time()
        conn.executemany(
            "INSERT INTO idempotency VALUES (?, ?, 'fp', ?, ?, ?, ?, ?)",
            [("m", "done", "done", 200, b"{}", now, now),
             ("m", "busy", "in_flight", None, None, now, now),
             ("m", "stale", "in_flight", None, None, now - 60, now - 60)],
        )  # fmt: skip
    path.chmod(0o644)
    policy = Policy(lease_seconds=0.3, deadline_seconds=30, retention_hours=48)
    store = await open_idempotency(Database({"api": path}), SECRET, policy)
    assert path.stat().st_mode & 0o777 == 0o600
    assert await store.claim("m", "done", "fp") == Replay(200, b"{}")
    assert isinstance(await store.claim("m", "busy", "fp"), InUse)  # only the deadline frees it
    assert isinstance(await store.claim("m", "stale", "fp"), Claimed)
    assert isinstance(await store.claim("m", "new", "fp"), Claimed)
