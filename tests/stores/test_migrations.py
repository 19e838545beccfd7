"""Schemas come from versioned migrations: applied once, safe to race, old files keep working."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from infra.keyring import Keyring
from infra.sealing import seal
from stack.postgres import PostgresCluster
from stores import migrate
from stores.database import Database
from stores.findings import open_findings
from stores.merchants import key_digest, new_api_key, open_directory
from stores.refunds import open_refunds
from stores.vault import VaultError, open_vault

NUMBER = "4242424242424242"
WORKER_AREAS = ("vault", "merchants", "findings", "refunds")
# The vault table as it was before tokens had owners (and before migrations).
PRE_OWNER_VAULT = """
CREATE TABLE cards (
    token TEXT PRIMARY KEY, key_id TEXT NOT NULL, sealed BLOB NOT NULL, brand TEXT NOT NULL,
    last4 TEXT NOT NULL, exp_month INTEGER NOT NULL, exp_year INTEGER NOT NULL,
    created_at TEXT NOT NULL
)
"""


async def test_migrations_apply_once(db: Database) -> None:
    for area in WORKER_AREAS:
        assert await asyncio.to_thread(migrate.apply, db, area) >= 1
        assert await asyncio.to_thread(migrate.apply, db, area) == 0


async def test_processes_starting_together_apply_each_migration_once(
    db: Database, keyring: Keyring
) -> None:
    # Threads stand in for an API host and workers opening the stores at the same moment.
    opened = await asyncio.gather(
        *(open_vault(db, keyring) for _ in range(3)),
        *(open_directory(db, keyring) for _ in range(3)),
        *(open_findings(db) for _ in range(3)),
        *(open_refunds(db) for _ in range(3)),
    )
    vault = opened[0]
    token = (await vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a")).token  # type: ignore[union-attr]
    assert (await opened[1].resolve(token, "m_a")).number == NUMBER  # type: ignore[union-attr]
    for area in WORKER_AREAS:
        assert migrate.apply(db, area) == 0


async def test_two_processes_migrating_at_once_both_succeed(db: Database, tmp_path: Path) -> None:
    # Real processes: yoyo's lock (a table row) is what keeps them apart, not a thread lock.
    env = {**os.environ, "PAYMENTS_RUN_DIR": str(db.sqlite_files.get("vault", tmp_path).parent)}
    if db.url is not None:
        env["PAYMENTS_DATABASE_URL"] = db.url  # in the environment, never on a command line
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "stores.migrate", env=env, cwd=Path(__file__).parents[2],
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        for _ in range(2)
    ]  # fmt: skip
    outs = [(await p.communicate())[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert all(migrate.apply(db, area) == 0 for area in WORKER_AREAS)


async def test_a_vault_file_from_before_owners_gains_the_column(
    tmp_path: Path, keyring: Keyring
) -> None:
    db = Database(sqlite_files={"vault": tmp_path / "vault.db"})
    token = "pm_" + "1" * 24
    key_id, sealed = seal(keyring, b"temporal-payments/vault/v1:" + token.encode(), NUMBER.encode())
    with sqlite3.connect(tmp_path / "vault.db") as conn:
        conn.execute(PRE_OWNER_VAULT)
        conn.execute(
            "INSERT INTO cards VALUES (?, ?, ?, 'visa', '4242', 12, 2030, '2026-01-01')",
            (token, key_id, sealed),
        )
    vault = await open_vault(db, keyring)
    await open_vault(db, keyring)  # a second process opening it migrates nothing
    with pytest.raises(VaultError, match=r"^unknown card token$"):
        await vault.resolve(token, "m_a")
    assert (await vault.resolve(token, "m_a", allow_unowned=True)).number == NUMBER
    new = (await vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a")).token
    assert (await vault.resolve(new, "m_a")).number == NUMBER


async def test_files_made_before_migrations_keep_their_rows(
    tmp_path: Path, keyring: Keyring
) -> None:
    # Tables as the pre-migration code created them (no yoyo bookkeeping), with rows.
    files = {a: tmp_path / f"{a}.db" for a in WORKER_AREAS}
    for area, path in files.items():
        with sqlite3.connect(path) as conn:
            for script in (migrate.MIGRATIONS / "sqlite" / area).glob("*_0001_*.sql"):
                conn.executescript(script.read_text())
    key = new_api_key()
    with sqlite3.connect(files["merchants"]) as conn:
        conn.execute("INSERT INTO merchants VALUES ('m_a', ?, '2026-01-01')", (key_digest(key),))
    with sqlite3.connect(files["findings"]) as conn:
        conn.execute("INSERT INTO runs VALUES ('run-old', '2026-01-01T00:00:00+00:00', 3, 1)")
        conn.execute("INSERT INTO findings VALUES ('run-old', 'stuck', 'pay_1', 'm_a', NULL, 'x')")
    db = Database(sqlite_files=files)
    assert await (await open_directory(db, keyring)).merchant_for_key(key) == "m_a"
    latest = await (await open_findings(db)).latest()
    assert latest is not None and latest.run_id == "run-old" and len(latest.findings) == 1


async def test_a_dump_of_postgres_holds_no_card_number(
    pg_db: Database, keyring: Keyring, pg_cluster: PostgresCluster
) -> None:
    db = pg_db
    vault = await open_vault(db, keyring)
    directory = await open_directory(db, keyring)
    await directory.add_merchant("m_a", new_api_key())
    secret = await directory.set_webhook("m_a", "https://shop.example/hooks")
    await open_findings(db)
    for _ in range(5):
        await vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a")
    dump = _pg_dump(db.url or "", pg_cluster)
    assert "vault_cards" in dump and "merchant_webhooks" in dump
    for needle in (NUMBER, NUMBER.encode().hex(), secret, secret.encode().hex()):
        assert needle not in dump


def _pg_dump(url: str, cluster: PostgresCluster) -> str:
    info = cluster.info
    assert info is not None
    parts = urlsplit(url)
    bare = urlunsplit(parts._replace(netloc=f"{parts.username}@{parts.hostname}:{parts.port}"))
    env = {**os.environ, "PGPASSWORD": parts.password or ""}  # not on the command line
    done = subprocess.run(
        [str(Path(info.bin_dir) / "pg_dump"), "--no-owner", bare],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout
