"""The chaos harness, small: payments survive kills and faults, and unsafe keys get caught."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chaos.checks import DUPLICATES
from stack.commands import REPO_ROOT

# Found by this harness (README "Chaos", known issue): a worker or server crash loses the
# workflow task that ran the local-activity authorize; the re-run's routing fails over, so
# the first processor keeps a hold under the same key that the workflow never learns about.
KNOWN_BUG = "a lost local-activity authorize is re-routed: stranded hold on the first processor"
KNOWN_BUG_CHECKS = ("no hold left", "every view's")


def _chaos(results: Path, *flags: str) -> tuple[subprocess.CompletedProcess[str], Any]:
    argv = [sys.executable, "-m", "chaos", "--quick", "--results", str(results), *flags]
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=280)
    (report,) = results.glob("chaos-*.json")
    return done, json.loads(report.read_text())


def _only_known_bug(report: Any) -> bool:
    """Every failure is the known bug's signature: a second authorize, its hold, its money."""
    failing = {c["name"]: c["problems"] for c in report["checks"] if not c["passed"]}
    duplicated = failing.pop(DUPLICATES, [])
    if not duplicated or not all(p.endswith(" authorize: 2 effects") for p in duplicated):
        return False
    pids = {p.split()[0] for p in duplicated}
    return all(
        name.startswith(KNOWN_BUG_CHECKS) and all(p.split(":")[0] in pids for p in problems)
        for name, problems in failing.items()
    )


def test_quick_chaos_run_passes(tmp_path: Path) -> None:
    done, report = _chaos(tmp_path)
    chaos = report["chaos"]
    assert report["payments"] == 30
    assert chaos["workers_sigkilled"] >= 5 and chaos["server_restarts"] == 1
    assert sum(chaos["fault_windows"].values()) >= 1
    if not report["passed"] and _only_known_bug(report):
        pytest.xfail(KNOWN_BUG)
    assert done.returncode == 0 and report["passed"], done.stdout[-4000:] + done.stderr[-2000:]


def test_unsafe_idempotency_keys_are_reported_as_duplicates(tmp_path: Path) -> None:
    done, report = _chaos(tmp_path, "--unsafe-no-idempotency", "--expect-failures",
                          "--server-restarts", "0", "--payments", "20",
                          "--settle-seconds", "30")  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    duplicates = next(c for c in report["checks"] if c["name"] == DUPLICATES)
    assert not duplicates["passed"] and not report["passed"]
