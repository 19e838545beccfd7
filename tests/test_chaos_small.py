"""The chaos harness, small: payments survive kills and faults, and unsafe keys get caught."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from chaos.challenge_checks import CHALLENGE_CHECK
from chaos.checks import DUPLICATES
from stack.commands import REPO_ROOT


def _chaos(results: Path, *flags: str) -> tuple[subprocess.CompletedProcess[str], Any]:
    argv = [sys.executable, "-m", "chaos", "--quick", "--results", str(results), *flags]
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=280)
    reports = list(results.glob("chaos-*.json"))
    assert len(reports) == 1, f"exit {done.returncode}\n{done.stdout[-4000:]}{done.stderr[-3000:]}"
    (report,) = reports
    return done, json.loads(report.read_text())


def test_quick_chaos_run_passes(tmp_path: Path) -> None:
    done, report = _chaos(tmp_path)
    chaos = report["chaos"]
    assert report["payments"] == 30
    assert chaos["workers_sigkilled"] >= 5 and chaos["server_restarts"] == 1
    assert sum(chaos["fault_windows"].values()) >= 1
    # 3-D Secure challenges approved, denied and left to time out, a worker killed mid-wait.
    assert {"challenge_approve", "challenge_deny", "challenge_timeout"} <= set(report["mix"])
    assert any(c["name"] == CHALLENGE_CHECK for c in report["checks"])
    assert done.returncode == 0 and report["passed"], done.stdout[-4000:] + done.stderr[-2000:]


def test_unsafe_idempotency_keys_are_reported_as_duplicates(tmp_path: Path) -> None:
    done, report = _chaos(tmp_path, "--unsafe-no-idempotency", "--expect-failures",
                          "--server-restarts", "0", "--payments", "20",
                          "--settle-seconds", "30")  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    duplicates = next(c for c in report["checks"] if c["name"] == DUPLICATES)
    assert not duplicates["passed"] and not report["passed"]
