"""The README's generated parts come from the tables in code; keep them in step."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

import stack.__main__ as stack_main
from payments.status import mermaid_diagram
from stack import readme, variables
from stack.commands import REPO_ROOT
from stack.local import StackConfig
from workflows import policies
from workflows.policies import StepName, StepPolicy


def test_readme_state_diagram_matches_the_table() -> None:
    assert mermaid_diagram() in (REPO_ROOT / "README.md").read_text()


def test_readme_generated_tables_are_current() -> None:
    text = readme.README.read_text()
    assert readme.render(text) == text, "README is stale: run python -m stack.readme"
    assert readme.main(["--check"]) == 0


def test_a_changed_policy_makes_the_readme_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    text = readme.README.read_text()
    changed = {**policies.POLICIES}
    changed[StepName.BALANCE] = StepPolicy(True, timedelta(minutes=2), timedelta(seconds=4), 4)
    monkeypatch.setattr(readme, "POLICIES", changed)
    assert "| `balance` | local activity | 10 s | 2 min | 4 |" in readme.render(text)
    assert readme.render(text) != text


def test_readme_retry_budgets_quote_the_policies() -> None:
    text = readme.README.read_text()
    for step, policy in policies.POLICIES.items():
        seconds = policy.schedule_to_close.total_seconds()
        assert f"| `{step.value}` | {'local activity' if policy.local else 'activity'} |" in text
        if step in (StepName.BALANCE, StepName.AUTHORIZE):
            assert f"| {seconds:.0f} s | {policy.max_attempts} |" in text


def test_readme_maps_every_workflow_status_to_the_api() -> None:
    text = readme.README.read_text()
    assert "| `authorized` | `requires_capture` | no |" in text
    assert "| `captured` | `succeeded` | no |" in text


def test_every_stack_setting_is_a_documented_variable(tmp_path: Path) -> None:
    fields = {f.name: f.default for f in dataclasses.fields(StackConfig)}
    documented = {v.field: v.default for v in variables.VARIABLES}
    assert set(fields) == set(documented)
    assert {k: v for k, v in fields.items() if k != "run_dir"} == {
        k: v for k, v in documented.items() if k != "run_dir"
    }
    env = {v.name: "4242" for v in variables.VARIABLES if v.field != "run_dir"}
    cfg = StackConfig.from_env({**env, "PAYMENTS_RUN_DIR": str(tmp_path)})
    assert all(getattr(cfg, v.field) == 4242 for v in variables.VARIABLES if v.field != "run_dir")


def test_stack_help_and_readme_list_every_variable() -> None:
    assert variables.as_text() in (stack_main.__doc__ or "")
    text = readme.README.read_text()
    for name in ("SECONDARY_SIMULATOR_PORT", "API_PORT", "METRICS_PORT"):
        assert f"| `{name}` |" in text
        assert f"    {name} " in (stack_main.__doc__ or "")


def test_bad_stack_variable_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TEMPORAL_PORT", "seventy")
        assert stack_main.main(["status"]) == 2
    assert capsys.readouterr().err == "error: TEMPORAL_PORT must be a number, not 'seventy'\n"
