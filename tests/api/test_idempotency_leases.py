"""The idempotency store's claims: owners, leases, the request deadline, and old ``api.db``."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

from api.idempotency import Claimed, IdempotencyStore, InUse, Replay

SECRET = b"s" * 32


def _store(path: Path, *, lease: float = 0.3, deadline: float = 30) -> IdempotencyStore:
    return IdempotencyStore(
        path, SECRET, lease_seconds=lease, deadline_seconds=deadline, retention_hours=48
    )


def _set(path: Path, sql: str, *args: object) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(sql, args)


def test_a_claim_of_a_process_on_another_host_is_free_once_its_lease_lapses(
    tmp_path: Path,
) -> None:
    db = tmp_path / "api.db"
    store = _store(db)
    first = store.claim("m", "k", "fp")
    assert isinstance(first, Claimed)
    _set(db, "UPDATE idempotency SET owner_host = 'elsewhere', owner_pid = 1")
    for _ in range(3):  # renewed: held past its first lease
        time.sleep(0.15)
        store.renew("m", "k", first.owner)
        assert isinstance(store.claim("m", "k", "fp"), InUse)
    time.sleep(0.4)  # its owner stopped renewing
    second = store.claim("m", "k", "fp")
    assert isinstance(second, Claimed) and second.owner != first.owner
    # The old owner answers late: the key is the new owner's now.
    store.finish("m", "k", first.owner, 200, b"old")
    store.release("m", "k", first.owner)
    assert isinstance(store.claim("m", "k", "fp"), InUse)
    store.finish("m", "k", second.owner, 200, b"new")
    assert store.claim("m", "k", "fp") == Replay(200, b"new")


def test_a_claim_of_a_dead_process_on_this_host_is_taken_over_at_once(tmp_path: Path) -> None:
    db = tmp_path / "api.db"
    store = _store(db, lease=60)
    assert isinstance(store.claim("m", "k", "fp"), Claimed)
    assert isinstance(store.claim("m", "k", "fp"), InUse)
    gone = subprocess.Popen(["true"])
    gone.wait()
    _set(db, "UPDATE idempotency SET owner_pid = ?", gone.pid)
    assert isinstance(store.claim("m", "k", "fp"), Claimed)


def test_a_claim_older_than_the_request_deadline_is_stale_even_if_renewed(tmp_path: Path) -> None:
    db = tmp_path / "api.db"
    store = _store(db, lease=60, deadline=0.2)
    first = store.claim("m", "k", "fp")
    assert isinstance(first, Claimed)
    time.sleep(0.3)
    store.renew("m", "k", first.owner)
    assert isinstance(store.claim("m", "k", "fp"), Claimed)


def test_an_api_db_from_before_leases_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "api.db"
    with sqlite3.connect(db) as conn:
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
    store = _store(db)
    assert store.claim("m", "done", "fp") == Replay(200, b"{}")
    assert isinstance(store.claim("m", "busy", "fp"), InUse)  # only the deadline frees it
    assert isinstance(store.claim("m", "stale", "fp"), Claimed)
    assert isinstance(store.claim("m", "new", "fp"), Claimed)
