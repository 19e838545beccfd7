"""Which version a worker polls as, and the local stack's build id from the workflow code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion

from infra.deployment import deployment_config
from infra.settings import Settings
from stack.build_id import WORKFLOW_CODE, code_build_id
from stack.commands import REPO_ROOT


def test_without_a_build_id_the_worker_is_unversioned() -> None:
    assert deployment_config(Settings()) is None


def test_with_a_build_id_workflows_run_pinned_to_it() -> None:
    config = deployment_config(Settings(worker_build_id="b-1", worker_deployment_name="pay"))
    assert config is not None and config.use_worker_versioning
    assert config.version == WorkerDeploymentVersion("pay", "b-1")
    assert config.default_versioning_behavior is VersioningBehavior.PINNED


def test_a_deployment_name_with_a_dot_is_refused() -> None:
    # "<deployment>.<build id>" is a version's canonical name.
    with pytest.raises(ValidationError):
        Settings(worker_deployment_name="pay.ments")


def _copy(tmp_path: Path) -> Path:
    for folder in (*WORKFLOW_CODE, "activities"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    return tmp_path


def test_the_build_id_changes_with_workflow_code_only(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    before = code_build_id(root)
    assert before == code_build_id(root) and before.startswith("code-")
    with (root / "activities" / "payment.py").open("a") as f:
        f.write("# an activity body changed: it never replays\n")
    assert code_build_id(root) == before
    with (root / "workflows" / "payment.py").open("a") as f:
        f.write("# the workflow changed\n")
    assert code_build_id(root) != before
