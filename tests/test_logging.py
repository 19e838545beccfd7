"""JSON log lines with payment context, and card numbers masked whatever the caller logged."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.logging_setup import MASK, configure, mask_card_numbers
from tests.helpers import Simulator


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    """``configure`` replaces the root handlers; give the rest of the session its own back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_masks_card_numbers_in_every_shape() -> None:
    for text in (
        "4242424242424242",
        "4242 4242 4242 4242",
        "4000-0000-0000-0002",
        "378282246310005",
    ):
        assert mask_card_numbers(f"card {text} seen") == f"card {MASK} seen"
    # Amounts, ports, timestamps and ids stay readable.
    for text in ("amount 1999", "port 8081", "pay_3f9a2c", "1700000000 seconds"):
        assert mask_card_numbers(text) == text


def test_checkout_session_tokens_are_shortened() -> None:
    # All digits after its first 8: the token must not come out as a masked card plus a tail.
    token = "cs_" + "1234567890" * 4
    line = f'"POST /checkout/{token} HTTP/1.1" 303'
    assert mask_card_numbers(line) == '"POST /checkout/cs_12345678... HTTP/1.1" 303'


def test_json_lines_carry_context_and_never_a_card_number() -> None:
    out = io.StringIO()
    configure("test", stream=out)
    log = logging.getLogger("payments.test")
    log.info("charging %s", "4242 4242 4242 4242", extra={"payment_id": "pay_1", "step": "auth"})
    try:
        raise ValueError("bad card 5555555555554444")
    except ValueError:
        log.exception("failed for merchant", extra={"merchant": "m_1", "attempt": 2})
    first, second = _lines(out)
    assert first["msg"] == f"charging {MASK}"
    assert (first["payment_id"], first["step"], first["process"]) == ("pay_1", "auth", "test")
    assert (second["merchant"], second["attempt"], second["level"]) == ("m_1", 2, "error")
    assert "5555555555554444" not in out.getvalue() and MASK in str(second["exc"])


def test_activity_context_comes_from_the_sdk_extras() -> None:
    out = io.StringIO()
    configure("worker", stream=out)
    extra = {
        "temporal_activity": {"workflow_id": "pay_9", "activity_type": "capture", "attempt": 3}
    }
    logging.getLogger("temporalio.activity").warning("retrying", extra=extra)
    (line,) = _lines(out)
    assert (line["payment_id"], line["step"], line["attempt"]) == ("pay_9", "capture", 3)


def test_simulator_process_writes_json_lines(run_dir: Path, simulator: Simulator) -> None:
    simulator.ledger_check()  # the process is up and has logged its start-up
    lines = (run_dir / "logs" / "simulator.log").read_text().splitlines()
    parsed = [json.loads(line) for line in lines if line.startswith("{")]
    assert parsed and all(p["process"] == "simulator" for p in parsed)
