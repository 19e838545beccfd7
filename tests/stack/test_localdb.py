"""``DB=postgres``: only the processes that use the stores get the URL, and nothing prints it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from stack import localdb
from stack.local import StackConfig, components
from stack.runner import print_starter

PASSWORD = "pw-only-in-the-file-0123"
STORE_USERS = {"worker-1", "worker-2", "api"}


def _recorded_cluster(run_dir: Path, port: int = 54329) -> None:
    """A cluster record as ``PostgresCluster.start`` leaves it (no server needed here)."""
    folder = run_dir / localdb.FOLDER
    folder.mkdir(parents=True)
    info = {"data_dir": str(folder / "data"), "port": port, "bin_dir": "/nonexistent",
            "os_user": None, "log_file": str(folder / "postgres.log")}  # fmt: skip
    (folder / "cluster.json").write_text(json.dumps(info))
    (folder / "password").write_text(PASSWORD + "\n")


def test_db_takes_sqlite_or_postgres_and_defaults_to_sqlite(tmp_path: Path) -> None:
    run = {"PAYMENTS_RUN_DIR": str(tmp_path)}
    assert StackConfig.from_env(run).db == "sqlite"
    assert StackConfig.from_env({**run, "DB": "postgres"}).db == "postgres"
    with pytest.raises(ValueError, match="DB must be one of sqlite, postgres"):
        StackConfig.from_env({**run, "DB": "mysql"})


def test_only_workers_and_the_api_get_the_url(tmp_path: Path) -> None:
    _recorded_cluster(tmp_path)
    cfg = StackConfig.from_env(
        {"PAYMENTS_RUN_DIR": str(tmp_path), "DB": "postgres", "WORKER_COUNT": "2"}
    )
    url = "postgresql://payments:" + PASSWORD + "@127.0.0.1:54329/payments"
    for comp in components(cfg):
        expected = url if comp.name in STORE_USERS else None
        assert comp.env.get("PAYMENTS_DATABASE_URL") == expected, comp.name
        assert PASSWORD not in " ".join(comp.argv) + comp.url


def test_sqlite_stack_passes_no_url_even_with_a_cluster_left(tmp_path: Path) -> None:
    _recorded_cluster(tmp_path)
    cfg = StackConfig.from_env({"PAYMENTS_RUN_DIR": str(tmp_path)})
    assert all("PAYMENTS_DATABASE_URL" not in c.env for c in components(cfg))
    assert localdb.describe(tmp_path, cfg.db) == []


def test_printed_lines_mask_the_password_and_export_reads_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _recorded_cluster(tmp_path)
    cfg = StackConfig.from_env({"PAYMENTS_RUN_DIR": str(tmp_path), "DB": "postgres"})
    for line in localdb.describe(tmp_path, cfg.db):
        print(line)
    print_starter(cfg)
    out = capsys.readouterr().out
    assert PASSWORD not in out
    assert "postgresql://payments:***@127.0.0.1:54329/payments" in out
    password_file = tmp_path / localdb.FOLDER / "password"
    [export] = [line.strip() for line in out.splitlines() if "PAYMENTS_DATABASE_URL=" in line]
    assert export.startswith(
        f'export PAYMENTS_DATABASE_URL="postgresql://payments:$(cat {password_file})'
    )
    shell = subprocess.run(["bash", "-c", f'{export}; printf %s "$PAYMENTS_DATABASE_URL"'],
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert shell.stdout == f"postgresql://payments:{PASSWORD}@127.0.0.1:54329/payments"
