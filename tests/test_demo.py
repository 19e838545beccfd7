"""``make demo`` end to end: the local stack on free ports, every scenario, the ledger check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from stack.commands import REPO_ROOT
from stack.procs import free_port, free_port_run


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_demo_runs_every_scenario_and_the_ledger_reconciles(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        PAYMENTS_RUN_DIR=str(tmp_path / "run"),
        TEMPORAL_PORT=str(free_port()),
        TEMPORAL_UI_PORT=str(free_port()),
        METRICS_PORT=str(free_port_run(2)),
        SIMULATOR_PORT=str(free_port()),
        CODEC_PORT=str(free_port()),
        API_PORT=str(free_port()),
        SECONDARY_SIMULATOR_PORT=str(free_port()),
    )
    try:
        up = _run(["stack", "up"], env)
        assert up.returncode == 0, up.stdout + up.stderr
        demo = _run(["stack.demo"], env)
        assert demo.returncode == 0, demo.stdout + demo.stderr
    finally:
        _run(["stack", "down"], env)
    rows = [line for line in demo.stdout.splitlines() if line.startswith("pay_")]
    assert len(rows) == 7 and all(line.endswith(" ok") for line in rows), demo.stdout
    assert "ledger balanced: True, negative accounts: []" in demo.stdout
    assert "MISMATCH" not in demo.stdout
    assert "4242424242424242" not in demo.stdout
