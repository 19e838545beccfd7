"""``starter.py`` as a user runs it: clear output, one-line errors, bad input changes nothing."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from dataclasses import dataclass

import pytest
from temporalio.client import Client

from infra.settings import Settings
from stack.commands import REPO_ROOT, child_env
from tests.helpers import Simulator, steps

pytestmark = pytest.mark.usefixtures("worker")


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


async def starter(settings: Settings, *args: str) -> Done:
    """Run starter.py without blocking the loop (the worker under test shares it)."""
    env = child_env(
        {
            "PAYMENTS_TEMPORAL_ADDRESS": settings.temporal_address,
            "PAYMENTS_PROCESSOR_URL": settings.processor_url,
            "PAYMENTS_RUN_DIR": str(settings.run_dir),
            "PAYMENTS_TASK_QUEUE": settings.task_queue,
            "PAYMENTS_REFUND_WINDOW_SECONDS": "5",
        }
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO_ROOT / "starter.py"),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    # Generous: under a loaded 2-core machine a reconcile over the shared server took over 60 s.
    out, err = await asyncio.wait_for(proc.communicate(), 150)
    return Done(proc.returncode or 0, out.decode(), err.decode())


async def _count(client: Client, merchant: str) -> int:
    query = f"PaymentMerchant = '{merchant}'"
    return len([w async for w in client.list_workflows(query)])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amount", "-5"], "amount must be positive"),
        (["--amount", "19.99"], "whole number of minor units"),
        (["--amount", "0"], "greater than zero"),
        (["--amount", "1e3"], "whole number of minor units"),
        (["--amount", "100", "--currency", "XYZ"], "unknown currency"),
        (["--amount", "100", "--card", "4242424242424241"], "Luhn"),
        (["--amount", "100", "--card", "42424242424"], "12 to 19 digits"),
        (["--amount", "100", "--card", "4242424242424242424242"], "12 to 19 digits"),
        (["--amount", "100", "--card", "4242abcd42424242"], "12 to 19 digits"),
        (["--amount", "100", "--exp", "13/2030"], "exp_month must be 1-12"),
        (["--amount", "99999999999"], "amount must be at most 99999999"),
        (["--amount", "100000000"], "amount must be at most 99999999"),
        (["--amount", "9" * 400], "amount must be at most 99999999"),
        (["--amount", "100", "--cvc", "12a"], "cvc must be 3 digits"),
        (["--amount", "100", "--cvc", "12345"], "cvc must be 3 digits"),
        (["--amount", "100", "--cvc", "1234"], "cvc must be 3 digits for this card (visa)"),
        (["--amount", "100", "--card", "378282246310005"], "cvc must be 4 digits"),
        (["--amount", "100", "--card", "incorrect_cvc"], "security code is incorrect"),
        (["--amount", "100", "--exp", "01/2020"], "in the past"),
        (["--amount", "100", "--cvc", "12"], "cvc must be 3 digits"),
        (["--amount", "100", "--description", "card 4242 4242 4242 4242"], "card number"),
    ],
)
async def test_bad_pay_input_is_refused_and_starts_nothing(
    client: Client, settings: Settings, args: list[str], message: str
) -> None:
    merchant = f"m_{uuid.uuid4().hex[:8]}"
    done = await starter(settings, "pay", "--merchant", merchant, *args)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()[-1]) < 300
    assert await _count(client, merchant) == 0


async def test_capture_and_refund_above_limits_change_nothing(
    client: Client, settings: Settings, simulator: Simulator
) -> None:
    done = await starter(settings, "--json", "pay", "--amount", "1000", "--capture", "manual")
    assert done.returncode == 0, done.stderr
    payment_id = json.loads(done.stdout)["payment_id"]
    history = client.get_workflow_handle(payment_id)
    before = len([e async for e in history.fetch_history_events()])

    over = await starter(settings, "capture", payment_id, "--amount", "1001")
    assert over.returncode == 1 and "exceeds the authorized 1000" in over.stderr
    early = await starter(settings, "refund", payment_id, "--amount", "1")
    assert early.returncode == 1 and "cannot be refunded" in early.stderr
    assert len([e async for e in history.fetch_history_events()]) == before

    assert (await starter(settings, "capture", payment_id, "--amount", "600")).returncode == 0
    too_much = await starter(settings, "refund", payment_id, "--amount", "601")
    assert too_much.returncode == 1 and "exceeds the refundable 600" in too_much.stderr
    assert steps(simulator.effects(payment_id)) == ["authorize", "capture"]

    shown = await starter(settings, "status", payment_id)
    assert "captured" in shown.stdout and "****4242" in shown.stdout
    assert "4242424242424242" not in shown.stdout + shown.stderr


async def test_list_filters_by_the_api_status(client: Client, settings: Settings) -> None:
    done = await starter(settings, "--json", "pay", "--amount", "250", "--capture", "manual")
    payment_id = json.loads(done.stdout)["payment_id"]
    listed = await starter(settings, "list", "--status", "requires_capture", "--limit", "500")
    assert listed.returncode == 0, listed.stderr
    assert f"{payment_id}  requires_capture" in listed.stdout
    assert payment_id not in (await starter(settings, "list", "--status", "failed")).stdout
    shown = await starter(settings, "status", payment_id)
    assert "requires_capture (workflow status authorized)" in shown.stdout
    # The workflow's word is refused with the API's word for it, before anything connects.
    old = await starter(settings, "list", "--status", "authorized")
    assert old.returncode == 2 and "the CLI uses the API's: requires_capture" in old.stderr


@pytest.mark.parametrize("mode", [[], ["--api", "http://127.0.0.1:9"]], ids=["direct", "api"])
async def test_an_amount_above_the_limit_is_a_usage_error(
    settings: Settings, mode: list[str]
) -> None:
    # Refused while parsing, in both modes: nothing is tokenized, started or sent.
    done = await starter(settings, *mode, "pay", "--amount", "99999999999")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: argument --amount: amount must be at most 99999999 minor units"
        " (see starter.py pay --help)\n"
    )
