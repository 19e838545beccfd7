"""The docs' generated parts come from the tables in code; keep them in step.

Each generated block lives on one page (README.md or docs/*.md); the tests find it by name.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from pathlib import Path

import pytest

import stack.__main__ as stack_main
from cli.testcards import TEST_CARDS
from payments.status import mermaid_diagram
from stack import readme, variables
from stack.commands import REPO_ROOT
from stack.local import StackConfig
from workflows import policies
from workflows.policies import StepName, StepPolicy


def test_state_diagram_matches_the_table() -> None:
    text = (REPO_ROOT / "docs" / "payments.md").read_text()
    assert readme.home("state-diagram").name == "payments.md"
    assert f"```mermaid\n{mermaid_diagram()}\n```" in text


@pytest.mark.parametrize("page", readme.pages(), ids=lambda p: p.name)
def test_generated_blocks_are_current(page: Path) -> None:
    text = page.read_text()
    assert readme.render(text) == text, f"{page.name} is stale: run python -m stack.readme"


def test_every_block_is_on_exactly_one_page_and_the_check_passes() -> None:
    assert set(readme.homes(readme.pages())) == set(readme.SECTIONS)
    assert readme.main(["--check"]) == 0


def _copy_pages(root: Path) -> dict[str, Path]:
    """Today's README and docs/ pages under ``root``, by file name."""
    (root / "docs").mkdir()
    copies = {}
    for page in readme.pages():
        copy = root / page.relative_to(REPO_ROOT)
        copy.write_text(page.read_text())
        copies[page.name] = copy
    return copies


def test_a_block_on_two_pages_or_on_none_is_refused(tmp_path: Path) -> None:
    copies = _copy_pages(tmp_path)
    home = copies[readme.home("exit-statuses").name]
    block = "<!-- generated: exit-statuses -->\n<!-- end: exit-statuses -->\n"
    original = copies["README.md"].read_text()
    copies["README.md"].write_text(original + block)
    with pytest.raises(ValueError, match="'exit-statuses' must be on exactly one page, not "):
        readme.main(["--check"], root=tmp_path)
    copies["README.md"].write_text(original)
    home.write_text(home.read_text().replace("<!-- generated: exit-statuses -->", ""))
    with pytest.raises(ValueError, match="'exit-statuses' must be on exactly one page, not no "):
        readme.main(["--check"], root=tmp_path)


def test_an_unknown_block_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown generated block 'nonsense'"):
        readme.render("<!-- generated: nonsense -->\n<!-- end: nonsense -->\n")


def test_check_reports_a_stale_page_and_a_run_rewrites_it(tmp_path: Path) -> None:
    home = _copy_pages(tmp_path)[readme.home("exit-statuses").name]
    home.write_text(home.read_text().replace("| 0 | done |", "| 0 | finished |"))
    assert readme.main(["--check"], root=tmp_path) == 1
    assert readme.main([], root=tmp_path) == 0
    assert "| 0 | done |" in home.read_text()
    assert readme.main(["--check"], root=tmp_path) == 0


def test_a_changed_policy_makes_the_page_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    text = readme.home("retry-budgets").read_text()
    changed = {**policies.POLICIES}
    changed[StepName.BALANCE] = StepPolicy(True, timedelta(minutes=2), timedelta(seconds=4), 4)
    monkeypatch.setattr(readme, "POLICIES", changed)
    assert "| `balance` | local activity | 10 s | 2 min | 4 |" in readme.render(text)
    assert readme.render(text) != text


def test_retry_budgets_quote_the_policies() -> None:
    text = readme.home("retry-budgets").read_text()
    for step, policy in policies.POLICIES.items():
        seconds = policy.schedule_to_close.total_seconds()
        assert f"| `{step.value}` | {'local activity' if policy.local else 'activity'} |" in text
        if step in (StepName.BALANCE, StepName.AUTHORIZE):
            assert f"| {seconds:.0f} s | {policy.max_attempts} |" in text


def test_every_workflow_status_maps_to_the_api() -> None:
    text = readme.home("status-vocabulary").read_text()
    assert "| `authorized` | `requires_capture` | no |" in text
    assert "| `captured` | `succeeded` | no |" in text


def test_every_stack_setting_is_a_documented_variable(tmp_path: Path) -> None:
    fields = {f.name: f.default for f in dataclasses.fields(StackConfig)}
    documented = {v.field: v.default for v in variables.VARIABLES}
    assert set(fields) == set(documented)
    # "<...>": worked out when unset (the run folder, the build id from the code).
    computed = {v.field for v in variables.VARIABLES if str(v.default).startswith("<")}
    assert {k: v for k, v in fields.items() if k not in computed} == {
        k: v for k, v in documented.items() if k not in computed
    }
    numbers = [v for v in variables.VARIABLES if isinstance(v.default, int | float)]
    words = [v for v in variables.VARIABLES if v.choices]
    env = {v.name: "4242" for v in numbers} | {v.name: v.choices[-1] for v in words}
    cfg = StackConfig.from_env({**env, "PAYMENTS_RUN_DIR": str(tmp_path)})
    assert all(getattr(cfg, v.field) == 4242 for v in numbers)
    assert all(getattr(cfg, v.field) == v.choices[-1] for v in words)
    build = StackConfig.from_env({"PAYMENTS_WORKER_BUILD_ID": "b-7", "PAYMENTS_RUN_DIR": "r"})
    assert build.worker_build_id == "b-7"


def test_stack_help_and_docs_list_every_variable() -> None:
    assert variables.as_text() in (stack_main.__doc__ or "")
    text = readme.home("stack-variables").read_text()
    for name in ("SECONDARY_SIMULATOR_PORT", "API_PORT", "METRICS_PORT"):
        assert f"| `{name}` |" in text
        assert f"    {name} " in (stack_main.__doc__ or "")


def test_bad_stack_variable_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TEMPORAL_PORT", "seventy")
        assert stack_main.main(["status"]) == 2
    assert capsys.readouterr().err == "error: TEMPORAL_PORT must be a number, not 'seventy'\n"


def test_unknown_secondary_processor_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SECONDARY_PROCESSOR", "paypal")
        assert stack_main.main(["status"]) == 2
    err = capsys.readouterr().err
    assert err == "error: SECONDARY_PROCESSOR must be one of simulator, stripe, not 'paypal'\n"


def test_the_test_card_table_names_every_card_of_the_cli() -> None:
    text = (REPO_ROOT / "docs" / "payments.md").read_text()
    rows = re.findall(r"^\| ([0-9 ]{19}) \| `(\w+)` \|", text, re.M)
    assert {name: number.replace(" ", "") for number, name in rows} == TEST_CARDS
