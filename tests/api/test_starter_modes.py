"""``starter.py`` gives the same answers on Temporal and through ``--api``: statuses in the API's
words, the same exit status for a decline, one line and no traceback for an API's refusal."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.settings import ApiSettings
from cli.errors import Exit
from stack.commands import REPO_ROOT, child_env
from tests.api.conftest import Merchant, env_of

pytestmark = pytest.mark.usefixtures("api_worker")


class Modes:
    """Runs one ``starter.py`` command directly on Temporal or through the API."""

    def __init__(self, settings: ApiSettings, api_url: str, keys: Path) -> None:
        self.env = child_env(env_of(settings))
        self.api = ["--api", api_url, "--api-key-file", str(keys), "--merchant", "shop"]

    async def run(self, api: bool, *args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, str(REPO_ROOT / "starter.py"), *(self.api if api else []), *args]
        # In a thread: the worker behind both modes runs on this test's event loop.
        done = await asyncio.to_thread(
            subprocess.run, argv, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        return done


@pytest.fixture
def modes(api_settings: ApiSettings, api_url: str, merchant: Merchant, tmp_path: Path) -> Modes:
    keys = tmp_path / "api-keys.json"
    keys.write_text(json.dumps({"shop": merchant.key}))
    return Modes(api_settings, api_url, keys)


@pytest.mark.parametrize("api", [False, True], ids=["temporal", "api"])
async def test_a_decline_exits_the_same_in_both_modes(modes: Modes, api: bool) -> None:
    done = await modes.run(api, "pay", "--amount", "100", "--card", "decline")
    assert done.returncode == Exit.DECLINED, done.stderr
    assert done.stderr.startswith("error: card_declined: The issuer declined the card")
    assert len(done.stderr.splitlines()) == 1
    assert "failed" in done.stdout  # the declined payment itself is still shown
    assert "4000000000000002" not in done.stdout + done.stderr


@pytest.mark.parametrize("api", [False, True], ids=["temporal", "api"])
async def test_list_requires_capture_in_both_modes(modes: Modes, api: bool) -> None:
    paid = await modes.run(True, "--json", "pay", "--amount", "700", "--capture", "manual")
    payment_id = json.loads(paid.stdout)["id"]
    # Direct mode sees every merchant of the session; the API only this one (at most 100).
    limit = "100" if api else "1000"
    listed = await modes.run(api, "list", "--status", "requires_capture", "--limit", limit)
    assert listed.returncode == 0, listed.stderr
    assert f"{payment_id}  requires_capture" in listed.stdout
    succeeded = await modes.run(api, "list", "--status", "succeeded", "--limit", limit)
    assert succeeded.returncode == 0 and payment_id not in succeeded.stdout


async def test_api_refusals_are_one_line(modes: Modes, merchant: Merchant) -> None:
    paid = await modes.run(True, "--json", "pay", "--amount", "700", "--capture", "manual")
    payment_id = json.loads(paid.stdout)["id"]
    over = await modes.run(True, "capture", payment_id, "--amount", "701")
    assert over.returncode == Exit.REFUSED and over.stderr.startswith("error: amount_too_large")
    missing = await modes.run(True, "status", "pay_missing")
    assert missing.returncode == Exit.REFUSED and "resource_missing" in missing.stderr
    modes.api[-1] = "nobody"
    keys = Path(modes.api[3])
    keys.write_text(json.dumps({"nobody": "sk_test_wrong"}))
    bad_key = await modes.run(True, "list")
    assert bad_key.returncode == Exit.REFUSED and "api_key_invalid" in bad_key.stderr
    for done in (over, missing, bad_key):
        assert len(done.stderr.splitlines()) == 1
