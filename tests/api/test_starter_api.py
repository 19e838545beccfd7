"""``starter.py --api``: the CLI's commands through the HTTP API, with Idempotency-Keys."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from cli.errors import Exit
from stack.commands import REPO_ROOT
from tests.api.conftest import Merchant


def _starter(api_url: str, keys: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "starter.py", "--json", "--api", api_url, "--api-key-file", str(keys),
            "--merchant", "shop", *args]  # fmt: skip
    return subprocess.run(
        argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )


async def test_pay_capture_refund_status_and_list_through_the_api(
    api_url: str, api_worker: None, merchant: Merchant, tmp_path: Path
) -> None:
    keys = tmp_path / "api-keys.json"
    keys.write_text(json.dumps({"shop": merchant.key}))

    async def run(*args: str) -> Any:
        # In a thread: the worker behind the API runs on this test's event loop.
        done = await asyncio.to_thread(_starter, api_url, keys, *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    paid = await run("pay", "--amount", "5000", "--capture", "manual", "--card", "visa")
    assert paid["status"] == "requires_capture"
    assert (await run("capture", paid["id"], "--amount", "4000"))["amount_captured"] == 4000
    assert (await run("refund", paid["id"], "--amount", "500"))["amount"] == 500
    assert (await run("status", paid["id"]))["status"] == "partially_refunded"
    assert [p["id"] for p in (await run("list"))["data"]] == [paid["id"]]
    declined = await asyncio.to_thread(
        _starter, api_url, keys, "pay", "--amount", "100", "--card", "decline"
    )
    assert declined.returncode == Exit.DECLINED
    assert declined.stderr.startswith("error: card_declined:")
    assert "4000000000000002" not in declined.stderr + declined.stdout
