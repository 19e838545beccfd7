"""The workflow tier exercised every transition of the table and the refund window's close.

It runs after the other tests of tests/workflows and reads what they saw.
"""

from __future__ import annotations

import pytest

from payments.status import TRANSITIONS
from tests.workflows.harness import Tier


@pytest.mark.after_workflow_tier
def test_every_transition_of_the_table_was_exercised(tier: Tier) -> None:
    if not tier.seen:
        pytest.skip("run with the rest of tests/workflows: this test reads what they saw")
    missing = sorted(f"{s.value} --{e.value}-->" for s, e in set(TRANSITIONS) - tier.seen)
    assert not missing, f"no workflow test makes these transitions: {missing}"
    assert tier.seen <= set(TRANSITIONS), "the workflow made a transition the table lacks"
    assert tier.windows_closed, "no workflow test lets a refund window close (diagram's last edge)"
