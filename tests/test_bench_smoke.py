"""The benchmark runs end to end on its own stack (a tiny run; no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stack.commands import REPO_ROOT


def test_bench_runs_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    argv = [sys.executable, "-m", "bench", "--configs", "tuned", "--count", "4", "--rounds", "1",
            "--warmup", "1", "--concurrency", "4", "--out", str(out)]  # fmt: skip
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "/ baseline" in done.stdout
    block = json.loads(out.read_text())["configs"]["tuned"]["by_concurrency"]["4"]
    for mix in ("baseline", "auto", "baseline-manual", "manual", "api"):
        assert block["mixes"][mix]["median"]["n"] == 4
        assert block["mixes"][mix]["actions"] > 0
        assert block["mixes"][mix]["history_bytes"] > 0
    assert set(block["ratios"]) == {"auto", "manual", "api"}
    # The API's CPU is its own column: the edge a deployment sizes next to workers and server.
    assert block["mixes"]["api"]["median"]["cpu_api_ms"] > 0
    assert "api ms" in done.stdout
    _check_cost(block["mixes"], done.stdout)


def _check_cost(mixes: dict[str, Any], stdout: str) -> None:
    """Issue 16's budgets per payment, summed over its workflows, and the cost columns."""
    for column in ("open h", "$ act/M", "$ sto/M", "$ tot/M"):
        assert column in stdout
    for mix, data in mixes.items():
        assert data["open_hours"] > 0, mix
        assert data["cost_actions"] == pytest.approx(data["actions"] * 50), mix  # $50 per M
        assert data["cost_storage"] == pytest.approx(data["cost_active"] + data["cost_retained"])
        assert data["cost_total"] == pytest.approx(data["cost_actions"] + data["cost_storage"])
    assert mixes["auto"]["actions"] <= 4, mixes["auto"]["event_kinds"]
    # The payment closes on capture, so its refund runs as a refund workflow, counted with it.
    assert mixes["manual"]["workflows"] > 1
    assert mixes["manual"]["actions"] <= 8, mixes["manual"]["event_kinds"]


def test_bench_runs_with_stripe_as_the_only_processor(tmp_path: Path) -> None:
    """localstripe behind the Stripe connector replaces the simulator; payments still capture."""
    out = tmp_path / "bench.json"
    argv = [sys.executable, "-m", "bench", "--configs", "tuned", "--processor", "stripe",
            "--mixes", "baseline,auto", "--count", "4", "--rounds", "1", "--warmup", "1",
            "--concurrency", "4", "--out", str(out)]  # fmt: skip
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads(out.read_text())
    assert results["processor"] == "stripe"
    block = results["configs"]["tuned"]["by_concurrency"]["4"]
    assert block["mixes"]["auto"]["median"]["n"] == 4
    assert block["mixes"]["auto"]["median"]["errors"] == 0
    assert set(block["ratios"]) == {"auto"}


def test_bench_compares_postgres_stores_with_sqlite_in_one_run(tmp_path: Path) -> None:
    """--postgres adds the PostgreSQL variant and its SQLite pair, both with the API mix."""
    out = tmp_path / "bench.json"
    argv = [sys.executable, "-m", "bench", "--configs", "tuned", "--postgres", "--count", "4",
            "--rounds", "1", "--warmup", "1", "--concurrency", "4", "--out", str(out)]  # fmt: skip
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "postgres / tuned" in done.stdout
    configs = json.loads(out.read_text())["configs"]
    for name in ("tuned", "postgres"):
        api = configs[name]["by_concurrency"]["4"]["mixes"]["api"]["median"]
        assert api["n"] == 4 and api["errors"] == 0 and api["cpu_api_ms"] > 0
    pg = configs["postgres"]["by_concurrency"]["4"]["mixes"]["api"]["median"]
    assert pg["cpu_postgres_ms"] is not None  # counted (a tiny run may use under a tick)
    versus = configs["postgres"]["versus"]
    assert versus["config"] == "tuned"
    assert set(versus["by_concurrency"]["4"]) == {"baseline", "auto", "baseline-manual",
                                                  "manual", "api"}  # fmt: skip
    assert versus["by_concurrency"]["4"]["api"]["throughput"] > 0


def test_bench_fairness_mix_runs_without_and_with_keys(tmp_path: Path) -> None:
    """The fairness mix alone on a 4-second peak: both passes finish and are reported."""
    out = tmp_path / "bench.json"
    argv = [sys.executable, "-m", "bench", "--fairness", "--quick", "--fairness-seconds", "4",
            "--out", str(out)]  # fmt: skip
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "quiet merchants" in done.stdout
    results = json.loads(out.read_text())
    assert results["configs"] == {}  # --fairness alone runs no configuration
    fairness = results["fairness"]
    for name in ("unkeyed", "keyed"):
        assert fairness[name]["errors"] == 0
        assert fairness[name]["quiet"]["n"] == 9  # one payment per quiet merchant
        assert fairness[name]["loud"]["n"] >= 10
        assert fairness[name]["quiet"]["processor_wait_p99_ms"] is not None
    assert fairness["quiet_p99_ratio"] is not None
