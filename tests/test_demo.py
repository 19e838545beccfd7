"""``make demo`` end to end: the local stack on free ports, every scenario, the ledger check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import stripe

from stack.commands import REPO_ROOT
from stack.ports import free_port, free_port_run


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


def _stack_env(tmp_path: Path, **extra: str) -> dict[str, str]:
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
        **extra,
    )
    return env


def _rows(stdout: str) -> list[str]:
    rows = [line for line in stdout.splitlines() if line.startswith("pay_")]
    assert len(rows) == 7 and all(line.endswith(" ok") for line in rows), stdout
    return rows


def test_demo_runs_every_scenario_and_the_ledger_reconciles(tmp_path: Path) -> None:
    env = _stack_env(tmp_path)
    try:
        up = _run(["stack", "up"], env)
        assert up.returncode == 0, up.stdout + up.stderr
        demo = _run(["stack.demo"], env)
        assert demo.returncode == 0, demo.stdout + demo.stderr
    finally:
        _run(["stack", "down"], env)
    _rows(demo.stdout)
    assert "ledger balanced: True, negative accounts: []" in demo.stdout
    assert "MISMATCH" not in demo.stdout
    assert "4242424242424242" not in demo.stdout


def _intents_naming(url: str, key_file: Path, payment_id: str) -> list[str]:
    """localstripe's PaymentIntents whose metadata names ``payment_id``, read with the SDK."""
    client = stripe.StripeClient(key_file.read_text().strip(), base_addresses={"api": url})
    listed = client.v1.payment_intents.list(params={"limit": 100})
    return [
        pi.id
        for pi in listed.auto_paging_iter()
        if pi.metadata.to_dict().get("payment_id") == payment_id
    ]


def test_demo_with_stripe_as_secondary_fails_over_to_localstripe(tmp_path: Path) -> None:
    env = _stack_env(tmp_path, SECONDARY_PROCESSOR="stripe")
    key_file = tmp_path / "run" / "stripe-test-key"
    try:
        up = _run(["stack", "up"], env)
        assert up.returncode == 0, up.stdout + up.stderr
        demo = _run(["stack.demo"], env)
        assert demo.returncode == 0, demo.stdout + demo.stderr
        rows = _rows(demo.stdout)
        [outage] = [row for row in rows if "outage" in row]
        payment_id = outage.split()[0]
        url = f"http://127.0.0.1:{env['SECONDARY_SIMULATOR_PORT']}"
        intents = _intents_naming(url, key_file, payment_id)
    finally:
        _run(["stack", "down"], env)
    assert outage.split()[-2:] == ["stripe", "ok"], demo.stdout
    assert [r.split()[-2] for r in rows if r is not outage] == ["primary", "primary", "-", "-",
                                                                 "primary", "primary"]  # fmt: skip
    assert len(intents) == 1, intents
    assert f"  {payment_id}" in demo.stdout and "MISSING" not in demo.stdout
    assert "ledger balanced: True, negative accounts: []" in demo.stdout
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    assert key.startswith("sk_test_") and key not in up.stdout + demo.stdout
