"""``/docs`` renders without internet (issue 11, item 13).

Headless Chromium loads the pages of the live API process with every host name resolving to
nothing, and the test records every request the page makes: all of them go to the API itself.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.cdp_pipe import Browser, chromium_path

CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium: apt-get install -y chromium (.ci/run does)"
)
# No name resolves, so a CDN (or any other host) cannot be reached, as on a machine offline.
OFFLINE = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",)
# Swagger UI's markup for one operation: its block and its path.
CREATE = ['class="opblock opblock-post', 'data-path="/v1/payments"']


def _render(url: str, needles: list[str], shot: Path) -> tuple[str, list[str]]:
    """The page's DOM once it shows ``needles``, and every URL it requested."""
    assert CHROMIUM is not None
    with Browser(CHROMIUM, OFFLINE) as browser:
        browser.call("Network.enable")
        browser.goto(url)
        dom = browser.wait_for(needles, timeout=30)
        browser.screenshot(shot)
        requested = [
            e["params"]["request"]["url"]
            for e in browser.events
            if e["method"] == "Network.requestWillBeSent"
        ]
    return dom, requested


def test_swagger_ui_lists_the_operations_offline(api_url: str, tmp_path: Path) -> None:
    dom, requested = _render(f"{api_url}/docs", CREATE, tmp_path / "docs.png")
    assert all(n in dom for n in CREATE), "Swagger UI did not render the operations"
    assert 'data-path="/v1/payments/{payment_id}/capture"' in dom
    assert f"{api_url}/openapi.json" in requested
    assert [u for u in requested if not u.startswith(api_url)] == []


def test_redoc_is_gone(api_url: str) -> None:
    # Dropped: ReDoc's bundle loads its logo from the vendor's CDN (api/docs_ui.py).
    assert httpx.get(f"{api_url}/redoc").status_code == 404
