"""The README's state diagram is generated from the transition table; keep them in step."""

from __future__ import annotations

from payments.status import mermaid_diagram
from stack.commands import REPO_ROOT


def test_readme_state_diagram_matches_the_table() -> None:
    assert mermaid_diagram() in (REPO_ROOT / "README.md").read_text()
