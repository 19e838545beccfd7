"""A canary card number and CVC through every path, then a search of every byte at rest.

The card goes in at the edge (``starter.py``) like a user's would. Afterwards the raw bytes of
the Temporal database, the simulator database, the vault database (with their WAL files) and
every log are searched: the number must appear nowhere in plaintext, the CVC nowhere at all.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from cli.errors import Exit
from payments.cards import luhn_valid
from processors.simulator.admin import SimulatorAdmin
from stack.commands import REPO_ROOT
from stack.ports import free_port, free_port_run


def canary_number() -> str:
    """A fresh Luhn-valid number no other test or run uses: an American Express one, whose
    4-digit CVC is a rarer string to search for than a 3-digit one."""
    while True:
        number = "37" + "".join(secrets.choice("0123456789") for _ in range(13))
        if luhn_valid(number):
            return number


def canary_cvc() -> str:
    return "".join(secrets.choice("123456789") for _ in range(4))


class Stack:
    def __init__(self, tmp: Path) -> None:
        self.run_dir = tmp / "run"
        self.sim_port = free_port()
        self.env = dict(os.environ)
        self.env.update(
            PAYMENTS_RUN_DIR=str(self.run_dir),
            TEMPORAL_PORT=str(port := free_port()),
            TEMPORAL_UI_PORT=str(free_port()),
            METRICS_PORT=str(free_port_run(2)),
            SIMULATOR_PORT=str(self.sim_port),
            CODEC_PORT=str(free_port()),
            SECONDARY_SIMULATOR_PORT=str(free_port()),
            PAYMENTS_TEMPORAL_ADDRESS=f"127.0.0.1:{port}",
            PAYMENTS_PROCESSOR_URL=f"http://127.0.0.1:{self.sim_port}",
            # Long enough for the refund below, a new process, to come inside it on a busy machine.
            PAYMENTS_REFUND_WINDOW_SECONDS="60",
        )
        self.sim = SimulatorAdmin(f"http://127.0.0.1:{self.sim_port}")
        self.output: list[str] = []

    def run(self, *args: str, module: bool = False) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", *args] if module else [sys.executable, "starter.py", *args]
        done = subprocess.run(
            argv, cwd=REPO_ROOT, env=self.env, capture_output=True, text=True, timeout=180,
            check=False,
        )  # fmt: skip
        self.output += [done.stdout, done.stderr]
        return done

    def pay(self, number: str, cvc: str, *extra: str, exit_code: int = 0) -> dict[str, object]:
        exp = f"12/{date.today().year + 2}"
        done = self.run("--json", "pay", "--card", number, "--cvc", cvc, "--exp", exp, *extra)
        assert done.returncode == exit_code, done.stderr
        return dict(json.loads(done.stdout))


@pytest.fixture
def stack(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Stack(tmp_path)
    up = s.run("stack", "up", module=True)
    assert up.returncode == 0, up.stdout + up.stderr
    yield s
    s.run("stack", "down", module=True)


def _exercise(s: Stack, number: str, cvc: str) -> None:
    ok = s.pay(number, cvc, "--amount", "1500")
    assert ok["status"] == "captured"
    manual = s.pay(number, cvc, "--amount", "2500", "--capture", "manual")
    assert s.run("capture", str(manual["payment_id"]), "--amount", "2000").returncode == 0
    assert s.run("refund", str(manual["payment_id"]), "--amount", "700").returncode == 0
    declined = s.pay(number, cvc, "--amount", "9999999", exit_code=Exit.DECLINED)
    assert declined["status"] == "failed"
    # Every authorize fails for three seconds, so the error paths run and log, then recover.
    s.sim.faults(error_rate=1.0, operations=["authorize"])
    heal = threading.Timer(3.0, s.sim.faults)
    heal.start()
    try:
        flaky = s.pay(number, cvc, "--amount", "3300", "--wait", "120")
    finally:
        heal.join()
    assert flaky["status"] == "captured"
    cancel = s.pay(number, cvc, "--amount", "1100", "--capture", "manual")
    assert s.run("cancel", str(cancel["payment_id"])).returncode == 0


def _files_at_rest(run_dir: Path) -> list[Path]:
    return [p for p in run_dir.rglob("*") if p.is_file()]


def test_canary_card_never_at_rest(stack: Stack) -> None:
    number, cvc = canary_number(), canary_cvc()
    _exercise(stack, number, cvc)
    files = _files_at_rest(stack.run_dir)
    names = {p.name for p in files}
    assert {"temporal.db", "vault.db"} <= names and any(n.startswith("simulator") for n in names)
    assert any(p.suffix == ".log" for p in files)
    standalone_cvc = re.compile(rb"(?<![0-9A-Za-z])" + cvc.encode() + rb"(?![0-9A-Za-z])")
    for path in files:
        raw = path.read_bytes()
        assert number.encode() not in raw, f"card number in {path.name}"
        assert number[:12].encode() not in raw, f"most of the card number in {path.name}"
        assert not standalone_cvc.search(raw), f"CVC in {path.name}"
        assert b'"cvc"' not in raw.lower(), f"a cvc field in {path.name}"
    printed = "\n".join(stack.output)
    assert number not in printed and not standalone_cvc.search(printed.encode())
