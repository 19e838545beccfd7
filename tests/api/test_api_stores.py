"""Where the API keeps its idempotency keys and payment index: ``api_db``, or PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from api.main import open_api_stores
from api.settings import ApiSettings
from stack.commands import child_env
from stack.ports import free_port
from stores import pg
from stores.idempotency import Claimed, InUse, Replay
from tests.pg_support import pg_cluster, pg_url  # noqa: F401 - fixtures

PASSWORD = "not-the-real-one-7f3a"


def test_api_db_is_the_api_areas_sqlite_file(tmp_path: Path) -> None:
    settings = ApiSettings(run_dir=tmp_path, api_db=tmp_path / "elsewhere" / "keys.db")
    assert settings.database().sqlite_file("api") == tmp_path / "elsewhere" / "keys.db"
    assert ApiSettings(run_dir=tmp_path).database().sqlite_file("api") == tmp_path / "api.db"


async def test_on_sqlite_the_api_db_file_is_private(tmp_path: Path) -> None:
    await open_api_stores(ApiSettings(run_dir=tmp_path))
    assert (tmp_path / "api.db").stat().st_mode & 0o777 == 0o600


async def test_two_hosts_on_one_postgres_share_keys_and_the_index(
    tmp_path: Path,
    pg_url: str,  # noqa: F811 - the fixture imported above
) -> None:
    secret = tmp_path / "api-secret"  # shared, as the keyring files are
    hosts = [
        ApiSettings(run_dir=tmp_path / name, database_url=SecretStr(pg_url), api_secret_file=secret)
        for name in ("a", "b")
    ]
    try:
        (keys_a, index_a, _), (keys_b, index_b, _) = [await open_api_stores(h) for h in hosts]
        fp = keys_a.fingerprint("POST", "/v1/payments", b"{}")
        assert fp == keys_b.fingerprint("POST", "/v1/payments", b"{}")
        claimed = await keys_a.claim("m", "k", fp)
        assert isinstance(claimed, Claimed)
        assert isinstance(await keys_b.claim("m", "k", fp), InUse)
        await keys_a.finish("m", "k", claimed.owner, 200, b"{}")
        assert await keys_b.claim("m", "k", fp) == Replay(200, b"{}")
        created = await index_a.accept("m", "pay_1", datetime.now(UTC), 100, "EUR")
        assert [r.created_at for r in await index_b.older("m", None, 5)] == [created]
    finally:
        await pg.close_all()
    assert not (tmp_path / "a" / "api.db").exists()


def test_an_unreachable_database_is_one_line_at_start_without_the_password(
    tmp_path: Path,
) -> None:
    url = f"postgresql://payments:{PASSWORD}@127.0.0.1:{free_port()}/payments"
    env = child_env({"PAYMENTS_RUN_DIR": str(tmp_path), "PAYMENTS_DATABASE_URL": url})
    done = subprocess.run(
        [sys.executable, "-m", "api"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot use database postgresql://")
    assert PASSWORD not in done.stderr + done.stdout and "Traceback" not in done.stderr
