"""Schemathesis, a third-party OpenAPI fuzzer, against the live API with every check on.

It reads ``/openapi.json`` and checks that the API does what the document says: schema-valid
requests are accepted, invalid ones refused with 4xx, every answer matches its documented
status, headers and schema, undeclared methods answer 405 with ``Allow``, requests without
credentials answer 401. Settings that widen a check for one operation are in
``schemathesis.toml`` beside this file, each with its reason.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from asyncio.subprocess import PIPE, STDOUT
from pathlib import Path

import pytest

from tests.api.conftest import register

HERE = Path(__file__).parent
ST = Path(sys.executable).with_name("st")
SEED = 20261202
# Examples per operation and phase: about 15 s for the whole run on a 2-core machine.
MAX_EXAMPLES = 50


def st_command(api_url: str) -> list[str]:
    """The command line, without the API key (passed as a header by the caller)."""
    return [
        str(ST), "--config-file", str(HERE / "schemathesis.toml"), "--no-color",
        "run", f"{api_url}/openapi.json",
        "--checks", "all",
        "--seed", str(SEED),
        "--max-examples", str(MAX_EXAMPLES),
        "--workers", "1",
        "--generation-database", "none",
    ]  # fmt: skip


async def test_schemathesis_finds_nothing(
    api_url: str, api_worker: None, run_dir: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks",
        "PYTHONPATH": str(HERE.parent.parent),
    }
    key = register(run_dir, "fuzz").key  # not a fixture argument: pytest would print it
    argv = [*st_command(api_url), "-H", f"Authorization: Bearer {key}"]
    started = time.monotonic()
    # Async: the worker behind the API runs on this test session's event loop.
    # cwd: the run's own folder, for anything the fuzzer writes.
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=tmp_path, env=env, stdout=PIPE, stderr=STDOUT
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=240)
    took = time.monotonic() - started
    # Schemathesis shows the Authorization header as [Filtered]; no traceback, so no argv.
    if proc.returncode != 0:
        pytest.fail(f"schemathesis failed after {took:.0f} s:\n{out.decode()}", pytrace=False)
    print(f"schemathesis passed in {took:.0f} s")
