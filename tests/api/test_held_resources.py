"""A create with a raw card: validated once, tokenized on what the API's lifespan holds.

The vault (and its keyring) and the processor HTTP session are opened once at start: a request
neither re-reads the keyring file nor opens an HTTP session. The card rules run once per
request (before the idempotency key is claimed), not again at tokenization.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from api.settings import ApiSettings
from payments import cards
from tests.api.conftest import Merchant, app_client, payment_body


async def test_tokenization_reuses_the_apps_vault_and_http_session(
    api_settings: ApiSettings,
    api_worker: None,
    merchant: Merchant,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key_file = tmp_path / "vault-key.json"
    shutil.copy(api_settings.resolved_vault_key_file(), key_file)
    own = api_settings.model_copy(update={"vault_key_file": key_file})
    opened: list[int] = []
    original_init = aiohttp.ClientSession.__init__

    def counting_init(self: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        opened.append(1)
        original_init(self, *args, **kwargs)

    async with app_client(own) as http:
        key_file.unlink()  # read at start only: a per-request read would fail now
        monkeypatch.setattr(aiohttp.ClientSession, "__init__", counting_init)
        for attempt in range(2):
            headers = merchant.headers(f"held-{attempt}")
            created = await http.post("/v1/payments", json=payment_body(), headers=headers)
            assert created.status_code == 200, created.text
            assert created.json()["payment_method"].startswith("pm_")
    assert opened == [], "a request opened its own processor HTTP session"


async def test_one_create_checks_the_card_once(
    api_settings: ApiSettings,
    api_worker: None,
    merchant: Merchant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    luhn = cards.luhn_valid

    def counting_luhn(number: str) -> bool:
        checked.append(number[-4:])
        return luhn(number)

    monkeypatch.setattr(cards, "luhn_valid", counting_luhn)
    async with app_client(api_settings) as http:
        headers = merchant.headers("checked-once")
        created = await http.post("/v1/payments", json=payment_body(), headers=headers)
    assert created.status_code == 200, created.text
    assert len(checked) == 1, "the card rules ran more than once in one request"
