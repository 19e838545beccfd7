"""``make up`` prints the environment that points ``starter.py`` at its (non-default) ports."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from stack.commands import REPO_ROOT
from stack.local import StackConfig
from stack.runner import print_starter


def test_printed_exports_are_enough_for_direct_mode(
    run_dir: Path, temporal_address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    port = temporal_address.rsplit(":", 1)[1]
    assert port != "7233"
    print_starter(StackConfig.from_env({"PAYMENTS_RUN_DIR": str(run_dir), "TEMPORAL_PORT": port}))
    exports = [line.strip() for line in capsys.readouterr().out.splitlines()
               if line.strip().startswith("export ")]  # fmt: skip
    assert f"export PAYMENTS_TEMPORAL_ADDRESS=127.0.0.1:{port}" in exports
    assert any(line.startswith("export PAYMENTS_PROCESSORS=") for line in exports)
    # A shell with no PAYMENTS_* of its own: only what make up printed.
    script = "\n".join([*exports, f"exec {shlex.quote(sys.executable)} starter.py list --limit 5"])
    done = subprocess.run(["bash", "-c", script], cwd=REPO_ROOT, env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
