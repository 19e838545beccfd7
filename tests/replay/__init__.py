"""The replay gate: recorded histories of every branch, replayed with the current workflow code.

``python -m tests.replay.record`` re-records ``corpus/``; ``tests/test_replay.py`` replays it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

# Not resolve(): the workflow sandbox re-imports this package and forbids it.
CORPUS_DIR = Path(__file__).parent / "corpus"

# The payload codec is left out on purpose: the corpus must replay in CI without any key. The
# failure converter stays the product's, so failures are shaped exactly as in production.
REPLAY_CONVERTER: DataConverter = dataclasses.replace(
    pydantic_data_converter,
    failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
)

BRANCHES: tuple[str, ...] = (
    "automatic_capture",
    "manual_partial_refunds",
    "full_refund",
    "decline",
    "insufficient_funds",
    "cancel",
    "expiry",
    "failover",
    "unknown_outcome_resolved",
    "outcome_unknown_flagged",
    "challenge_approved",
    "declined_then_paid",
    "lean_automatic",
    "lean_manual_capture",
    "lean_insufficient_funds",
    "lean_failover",
    "lean_cancel",
)
"""One history per branch of ``PaymentWorkflow``; the file is ``corpus/<branch>.json``."""

REFUND_BRANCHES: tuple[str, ...] = ("refund_of_closed_payment",)
"""One history per branch of ``RefundWorkflow`` (a closed payment's refund), stored alike."""
LEAN_BRANCHES: tuple[str, ...] = tuple(b for b in BRANCHES if b.startswith("lean_"))
"""Recorded with the processor order in the request (issue 16): no route or balance local
activity, no patch markers; the other branches are the older shapes, kept as recorded."""


def corpus_path(branch: str) -> Path:
    """Where ``branch``'s history is stored."""
    return CORPUS_DIR / f"{branch}.json"


def load_history(branch: str) -> WorkflowHistory:
    """The recorded history of ``branch``."""
    path = corpus_path(branch)
    return WorkflowHistory.from_json(path.stem, path.read_text())
