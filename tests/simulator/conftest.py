"""A real simulator process for the simulator tests, on a free port with a fresh ledger."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sim_support import Sim, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]


def _wait_healthy(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"simulator exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError("simulator did not become healthy")


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    """Start ``python -m simulator`` once for the session and stop it afterwards."""
    workdir = tmp_path_factory.mktemp("simulator")
    db_path, log_path, port = workdir / "sim.sqlite3", workdir / "sim.log", free_port()
    cmd = [sys.executable, "-m", "simulator", "--host", "127.0.0.1", "--port", str(port),
           "--db", str(db_path), "--seed", "7"]  # fmt: skip
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, url)
        with httpx.Client(base_url=url, timeout=10) as http:
            yield Sim(url, db_path, log_path, http)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def no_faults(sim: Sim) -> Iterator[None]:
    """Reset fault injection after the test, whatever happens."""
    yield
    sim.http.delete("/v1/admin/faults")
