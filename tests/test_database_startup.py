"""A wrong or unreachable ``PAYMENTS_DATABASE_URL`` stops the API and the worker at start-up with
one line on stderr: no traceback, no password, a non-zero status, within seconds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from stack.commands import REPO_ROOT, worker_command
from stack.ports import free_port
from stack.postgres import PostgresCluster
from tests.pg_support import pg_cluster  # noqa: F401

WRONG_PASSWORD = "not-the-Secret-4711"
ENTRY_POINTS = {"worker": worker_command(), "api": [sys.executable, "-m", "api"]}


Done = subprocess.CompletedProcess[str]


def _start(argv: list[str], run_dir: Path, url: str) -> tuple[Done, float]:
    env = dict(os.environ)
    env.update(
        PAYMENTS_RUN_DIR=str(run_dir),
        PAYMENTS_DATABASE_URL=url,
        # Nothing listens there: had the check not stopped it, it would hang or fail later.
        PAYMENTS_TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}",
        PAYMENTS_API_PORT=str(free_port()),
        PAYMENTS_METRICS_PORT=str(free_port()),
    )
    started = time.monotonic()
    done = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    return done, time.monotonic() - started


def _assert_one_line(done: Done, took: float, secret: str) -> None:
    lines = done.stderr.splitlines()
    assert done.returncode != 0, done.stdout + done.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert secret not in done.stdout + done.stderr
    assert took < 20, f"took {took:.1f}s"


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_malformed_url_is_one_line(entry: str, tmp_path: Path) -> None:
    url = f"mysql://payments:{WRONG_PASSWORD}@127.0.0.1/payments"
    done, took = _start(ENTRY_POINTS[entry], tmp_path, url)
    _assert_one_line(done, took, WRONG_PASSWORD)
    assert "postgresql://" in done.stderr


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_unreachable_port_is_one_line(entry: str, tmp_path: Path) -> None:
    url = f"postgresql://payments:{WRONG_PASSWORD}@127.0.0.1:{free_port()}/payments"
    done, took = _start(ENTRY_POINTS[entry], tmp_path, url)
    _assert_one_line(done, took, WRONG_PASSWORD)
    assert "payments:***@127.0.0.1" in done.stderr


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_wrong_password_is_one_line(
    entry: str,
    tmp_path: Path,
    pg_cluster: PostgresCluster,  # noqa: F811
) -> None:
    real = urlsplit(pg_cluster.url())
    url = real._replace(netloc=f"payments:{WRONG_PASSWORD}@127.0.0.1:{real.port}").geturl()
    done, took = _start(ENTRY_POINTS[entry], tmp_path, url)
    _assert_one_line(done, took, WRONG_PASSWORD)
    assert real.password is not None and real.password not in done.stderr
    assert "password authentication failed" in done.stderr
