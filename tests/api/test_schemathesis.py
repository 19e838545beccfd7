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
from tests.store_calls import run_directory

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
    # Merchants made here, not as fixture arguments: pytest would print their keys.
    payer, hooks = register(run_dir, "fuzz"), register(run_dir, "fuzzhooks")
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks",
        "PYTHONPATH": str(HERE.parent.parent),
        "FUZZ_WEBHOOK_AUTHORIZATION": f"Bearer {hooks.key}",
    }
    argv = [*st_command(api_url), "-H", f"Authorization: Bearer {payer.key}"]
    started = time.monotonic()
    # Async: the worker behind the API runs on this test session's event loop.
    # cwd: the run's own folder, for anything the fuzzer writes.
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=tmp_path, env=env, stdout=PIPE, stderr=STDOUT
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=240)
    finally:
        if proc.returncode is None:  # timed out: stop it
            proc.kill()
            await proc.wait()
    took = time.monotonic() - started
    # Schemathesis shows the Authorization header as [Filtered]; no traceback, so no argv.
    if proc.returncode != 0:
        pytest.fail(f"schemathesis failed after {took:.0f} s:\n{out.decode()}", pytrace=False)
    print(f"schemathesis passed in {took:.0f} s")
    # The paying merchant's events go nowhere; the fuzzed endpoints belong to the other one.
    merchants = run_directory(run_dir)
    assert await merchants.webhook(payer.id) is None
    assert await merchants.webhook(hooks.id) is not None
