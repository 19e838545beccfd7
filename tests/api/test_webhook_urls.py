"""``POST /v1/webhook_endpoints`` refuses malformed and non-public URLs (SSRF), saving nothing."""

from __future__ import annotations

import httpx
import pytest

from api.settings import ApiSettings
from tests.api.conftest import Merchant, app_client

HOOKS = "/v1/webhook_endpoints"
# The fuzzer's and the new user's findings, refused even with private targets allowed.
MALFORMED = [
    ("http://[::1", "not a valid URL"),
    ("http://hooks.example.com/\x07ring", "control characters"),
    ("http://hooks.example.com:99999/x", "port"),
    ("http://alice:s3cret@hooks.example.com/x", "credentials"),
]
NON_PUBLIC = [
    ("http://127.0.0.1:8080/hooks", "loopback"),
    ("http://[::ffff:127.0.0.1]/hooks", "loopback"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://10.0.0.7/hooks", "private"),
    ("http://localhost:8080/hooks", "local-only"),
]


def _assert_refused(resp: httpx.Response, url: str, reason: str) -> None:
    error = resp.json()["error"]
    assert (resp.status_code, error["code"], error["param"]) == (400, "parameter_invalid", "url")
    assert reason in error["message"]
    assert url not in resp.text and "s3cret" not in resp.text and "example" not in resp.text


@pytest.mark.parametrize(("url", "reason"), MALFORMED)
async def test_malformed_urls_are_refused_even_where_private_targets_are_allowed(
    http: httpx.AsyncClient, merchant: Merchant, url: str, reason: str
) -> None:
    resp = await http.post(HOOKS, json={"url": url}, headers=merchant.headers(f"h-{reason}"))
    _assert_refused(resp, url, reason)
    # Nothing was saved under the key: a good URL may use it now.
    good = await http.post(
        HOOKS, json={"url": "https://hooks.example.com/x"}, headers=merchant.headers(f"h-{reason}")
    )
    assert good.status_code == 200, good.text


async def test_non_public_targets_are_refused_by_default(
    api_settings: ApiSettings, merchant: Merchant
) -> None:
    strict = api_settings.model_copy(update={"webhook_allow_private_targets": False})
    assert ApiSettings.model_fields["webhook_allow_private_targets"].default is False
    async with app_client(strict) as http:
        for i, (url, reason) in enumerate(NON_PUBLIC + MALFORMED):
            resp = await http.post(HOOKS, json={"url": url}, headers=merchant.headers(f"s-{i}"))
            _assert_refused(resp, url, reason)
        ok = await http.post(
            HOOKS, json={"url": "https://hooks.example.com/in"}, headers=merchant.headers("s-ok")
        )
        assert ok.status_code == 200 and ok.json()["url"] == "https://hooks.example.com/in"
