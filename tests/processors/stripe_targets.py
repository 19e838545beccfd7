"""The Stripe connector's conformance target on localstripe, and what localstripe cannot do."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from payments.errors import DeclineCode
from processors.stripe import CAPABILITIES
from processors.stripe import KIND as STRIPE
from tests.processors.targets import Target

ROOT = Path(__file__).resolve().parents[2]
KEY_ENV = "PAYMENTS_TEST_LOCALSTRIPE_KEY"
"""localstripe takes any key; a real one would come from the variable or file the same way."""

# What localstripe (1.15) cannot do, measured here; the contract double (issue 13) covers each.
CANNOT = {
    "test_same_key_replays_the_answer_with_one_effect": "localstripe ignores Idempotency-Key "
    "(a repeated call creates a second object)",
    "test_refunds_partial_multiple_and_never_more_than_captured": "localstripe accepts "
    "over-refunds",
    "test_partial_capture_releases_the_rest": "localstripe accepts a refund above the captured "
    "amount (partial capture does not release the rest)",
    f"test_declines_come_from_the_decline_table[{DeclineCode.INSUFFICIENT_FUNDS}]": "localstripe "
    "declines only 4000000000000341, as invalid_request_error without a decline_code",
    "test_incorrect_cvc_is_refused_at_verification": "localstripe checks no CVC, not even when "
    "a SetupIntent is confirmed (the contract double does)",
    "test_a_lost_answer_is_unknown_then_found_by_inquiry": "localstripe cannot apply a call and "
    "then hold back its answer",
}


@dataclass(frozen=True)
class LocalStripe:
    """A running localstripe process."""

    proc: subprocess.Popen[str]
    url: str


@contextmanager
def local_stripe(run_dir: Path, flag: str = "--stripe-3ds") -> Iterator[LocalStripe]:
    """Start localstripe through ``stack.localstripe`` (loopback, OS-picked port, memory state).

    ``--stripe-3ds``: only the 3-D Secure page, which localstripe has none of; ``--stripe-compat``
    as the stack runs it.
    """
    log = (run_dir / "localstripe.log").open("w")
    cmd = [sys.executable, "-m", "stack.localstripe", flag]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
    os.environ[KEY_ENV] = "sk_test_localstripe"
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "port=<n>" once listening, "" if it died
        assert line.startswith("port="), f"localstripe did not start: see {log.name}"
        yield LocalStripe(proc, f"http://127.0.0.1:{int(line[5:])}")
    finally:
        os.environ.pop(KEY_ENV, None)
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


class LocalStripeFaults:
    """localstripe has no fault switches: an outage is the process stopped (SIGSTOP)."""

    def __init__(self, fake: LocalStripe) -> None:
        self._pid = fake.proc.pid

    @contextmanager
    def outage(self) -> Iterator[None]:
        # Stopped, the kernel still accepts connections: calls time out (outcome unknown).
        os.kill(self._pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self._pid, signal.SIGCONT)

    @contextmanager
    def lost_answers(self, seconds: float) -> Iterator[None]:
        raise NotImplementedError("localstripe cannot hold back an answer (skipped in CANNOT)")


def localstripe(fake: LocalStripe) -> Target:
    """The Stripe connector against the session's localstripe."""
    return Target(
        name="stripe-localstripe",
        kind=STRIPE,
        url=fake.url,
        faults=LocalStripeFaults(fake),
        approve="4242424242424242",
        declines={DeclineCode.GENERIC_DECLINE: "4000000000000341"},
        incorrect_cvc="4000000000000127",
        capabilities=CAPABILITIES.supported,
        api_key_env=KEY_ENV,
        skips=CANNOT,
    )
