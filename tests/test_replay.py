"""The replay gate: every recorded branch replays with the current ``PaymentWorkflow``.

A failure here means the change would break payments already running: make it with
``workflow.patched`` (README, "Changing the workflow safely") instead of re-recording.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from cli.testcards import TEST_CARDS
from tests.replay import (
    BRANCHES,
    CORPUS_DIR,
    LEAN_BRANCHES,
    REFUND_BRANCHES,
    REPLAY_CONVERTER,
    corpus_path,
    load_history,
)
from tests.replay.reordered import AuthorizeFirst, PatchedAuthorizeFirst, RoutesAgain
from worker import sandboxed_runner
from workflows.payment import PaymentWorkflow
from workflows.refund import RefundWorkflow

# A run of 13 to 19 digits (spaces or dashes allowed) that is not part of a longer word.
PAN_LIKE = re.compile(r"(?<![A-Za-z0-9])(?:\d[ -]?){12,18}\d(?![A-Za-z0-9])")


def _replayer(workflow: type) -> Replayer:
    """The worker's converter minus the codec, and the worker's own sandbox."""
    return Replayer(
        workflows=[workflow], data_converter=REPLAY_CONVERTER, workflow_runner=sandboxed_runner()
    )


async def _failures(workflow: type, branches: tuple[str, ...] = BRANCHES) -> dict[str, Exception]:
    """Replay every branch against ``workflow``; the failures by branch."""
    replayer = _replayer(workflow)
    failures: dict[str, Exception] = {}
    for branch in branches:
        result = await replayer.replay_workflow(load_history(branch), raise_on_replay_failure=False)
        if result.replay_failure is not None:
            failures[branch] = result.replay_failure
    return failures


async def test_every_branch_replays_with_the_current_workflow() -> None:
    assert await _failures(PaymentWorkflow) == {}


async def test_every_refund_branch_replays_with_the_current_refund_workflow() -> None:
    assert await _failures(RefundWorkflow, REFUND_BRANCHES) == {}


async def test_a_reordered_workflow_fails_the_gate() -> None:
    failures = await _failures(AuthorizeFirst)
    # The lean branches check the balance inside authorize: there is nothing to reorder.
    older = sorted(set(BRANCHES) - set(LEAN_BRANCHES))
    assert sorted(failures) == older, "a history did not notice the reordering"
    # Core compares each recorded command with the one the reordered code issues.
    assert isinstance(failures["failover"], NondeterminismError)
    assert "TMPRL1100" in str(failures["failover"])
    # Where a recorded local-activity result is handed to the wrong call, the SDK may fail
    # decoding it first: still a failed replay, as it should be.
    for branch, failure in failures.items():
        assert isinstance(failure, NondeterminismError | RuntimeError), branch


async def test_a_routing_local_activity_on_the_lean_path_fails_the_gate() -> None:
    failures = await _failures(RoutesAgain)
    assert sorted(failures) == sorted(LEAN_BRANCHES), "a lean history replayed a local activity"


async def test_the_same_change_behind_a_patch_passes_the_gate() -> None:
    assert await _failures(PatchedAuthorizeFirst) == {}


def test_the_corpus_is_exactly_one_complete_history_per_branch() -> None:
    every = (*BRANCHES, *REFUND_BRANCHES)
    assert sorted(p.stem for p in CORPUS_DIR.glob("*.json")) == sorted(every)
    for branch in every:
        assert corpus_path(branch).stat().st_size < 100_000, f"{branch} is too large"
        last = load_history(branch).events[-1]
        assert last.HasField("workflow_execution_completed_event_attributes"), branch


def _payloads(node: Any) -> Iterator[dict[str, Any]]:
    """Every payload (``metadata`` + ``data``) anywhere in a history's JSON."""
    if isinstance(node, dict):
        if isinstance(node.get("metadata"), dict) and "data" in node:
            yield node
        for value in node.values():
            yield from _payloads(value)
    elif isinstance(node, list):
        for value in node:
            yield from _payloads(value)


@pytest.mark.parametrize("branch", (*BRANCHES, *REFUND_BRANCHES))
def test_the_corpus_holds_no_card_number_and_no_ciphertext(branch: str) -> None:
    raw = corpus_path(branch).read_text()
    texts = [raw]
    for payload in _payloads(json.loads(raw)):
        encoding = base64.b64decode(payload["metadata"].get("encoding", "")).decode()
        # Plain JSON only: proves no key is needed and that the check below sees everything.
        assert encoding in ("json/plain", "binary/null"), encoding
        texts.append(base64.b64decode(payload.get("data", "")).decode())
    for text in texts:
        assert not [n for n in TEST_CARDS.values() if n in text]
        assert PAN_LIKE.findall(text) == []
