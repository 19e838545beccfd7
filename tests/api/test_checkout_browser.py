"""The hosted payment page in headless Chromium, scripts off: paid, challenged, declined and
paid again, and in Chinese on a phone-sized screen.

Each test checks from a screenshot's layout (DOM.getBoxModel against the viewport) that what
the customer must read is on screen. ``PAYMENTS_DOC_SCREENSHOTS=docs/images`` also writes the
README's two pictures there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import Merchant
from tests.cdp_pipe import Browser, chromium_path
from tests.checkout_driver import CheckoutPage

CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium: apt-get install -y chromium (.ci/run does)"
)
DECLINED_EN, DECLINED_ZH = "Your card was declined.", "您的银行卡被拒绝。"
NOT_CONFIRMED = "Your bank could not confirm this payment."
DOC_SHOTS = os.environ.get("PAYMENTS_DOC_SCREENSHOTS")


@pytest.fixture
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as found:
        yield found


async def _session(
    http: httpx.AsyncClient, merchant: Merchant, **extra: object
) -> tuple[str, str, str]:
    """A new session's id, page URL and success URL (the API's own /healthz stands in for the
    shop: the browser needs somewhere to land)."""
    shop = str(http.base_url).rstrip("/") + "/healthz?shop=1"
    body = {"amount": 2500, "currency": "USD", "description": "Green tea, 250 g",
            "success_url": shop, "cancel_url": f"{shop}&cancel=1", **extra}  # fmt: skip
    made = await http.post("/v1/checkout_sessions", json=body,
                           headers=merchant.headers(str(uuid.uuid4())))  # fmt: skip
    assert made.status_code == 200, made.text
    return made.json()["id"], made.json()["url"], shop


def _seen(page: CheckoutPage, selector: str, shot: Path) -> str:
    """Screenshot the page; the element is drawn inside the viewport; its markup."""
    assert page.shot(shot)[:8] == b"\x89PNG\r\n\x1a\n"
    box = page.box(selector)
    assert box.inside_viewport, f"{selector} not on screen: {box}"
    return page.text_of(selector)


async def _payment(http: httpx.AsyncClient, merchant: Merchant, session_id: str) -> dict[str, Any]:
    found = await http.get(f"/v1/checkout_sessions/{session_id}", headers=merchant.headers())
    pid = found.json()["payment_id"]
    return dict((await http.get(f"/v1/payments/{pid}", headers=merchant.headers())).json())


async def test_a_good_card_lands_on_the_success_url(
    http: httpx.AsyncClient, merchant: Merchant, browser: Browser, tmp_path: Path
) -> None:
    sid, url, shop = await _session(http, merchant)
    page = CheckoutPage(browser)
    await page.load(url, 'id="pay"')
    assert "25.00 USD" in _seen(page, "#amount", tmp_path / "form.png")
    page.pay("visa")
    await page.until(lambda: page.url().startswith(shop))
    assert f"session_id={sid}" in page.url()
    session = (await http.get(f"/v1/checkout_sessions/{sid}", headers=merchant.headers())).json()
    assert session["status"] == "complete"
    paid = await _payment(http, merchant, sid)
    assert (paid["status"], paid["amount_captured"]) == ("succeeded", 2500)


async def test_a_challenge_approved_pays(
    http: httpx.AsyncClient, merchant: Merchant, browser: Browser, tmp_path: Path
) -> None:
    sid, url, shop = await _session(http, merchant)
    page = CheckoutPage(browser)
    await page.load(url, 'id="pay"')
    page.pay("challenge")
    await page.until(lambda: 'value="approve"' in page.html())
    assert "/acs/" in page.url()
    _seen(page, 'button[value="approve"]', tmp_path / "challenge.png")
    page.click('button[value="approve"]')
    await page.until(lambda: page.url().startswith(shop))
    assert (await _payment(http, merchant, sid))["status"] == "succeeded"


async def test_a_challenge_denied_says_so_and_offers_another_card(
    http: httpx.AsyncClient, merchant: Merchant, browser: Browser, tmp_path: Path
) -> None:
    sid, url, _ = await _session(http, merchant)
    page = CheckoutPage(browser)
    await page.load(url, 'id="pay"')
    page.pay("challenge")
    await page.until(lambda: 'value="deny"' in page.html())
    page.click('button[value="deny"]')
    await page.until(lambda: page.url().startswith(url) and 'id="message"' in page.html())
    assert NOT_CONFIRMED in _seen(page, "#message", tmp_path / "denied.png")
    assert 'id="pay"' in page.html()
    paid = await _payment(http, merchant, sid)
    assert (paid["status"], paid["failure"]["decline_code"]) == (
        "requires_payment_method", "authentication_failed",
    )  # fmt: skip


async def test_a_declined_card_then_a_good_one_on_a_phone(
    http: httpx.AsyncClient, merchant: Merchant, browser: Browser, tmp_path: Path
) -> None:
    sid, url, shop = await _session(http, merchant)
    page = CheckoutPage(browser, phone=True, accept_language="en-GB,en;q=0.9")
    await page.load(url, 'id="pay"')
    page.pay("decline")
    await page.until(lambda: 'id="message"' in page.html())
    shown = _seen(page, "#message", tmp_path / "declined.png")
    assert DECLINED_EN in shown and "Try another card below." in shown
    assert page.box("#pay").width <= 390
    _doc_shot(page, "checkout-en.png")
    page.pay("visa")
    await page.until(lambda: page.url().startswith(shop))
    paid = await _payment(http, merchant, sid)
    assert paid["status"] == "succeeded"
    events = await http.get(f"/v1/payments/{paid['id']}/events", headers=merchant.headers())
    details = " | ".join(e["detail"] or "" for e in events.json()["data"])
    assert "attempt 1, card ending 0002" in details and "attempt 2, card ending 4242" in details
    listed = await http.get("/v1/payments", headers=merchant.headers())
    assert [p["id"] for p in listed.json()["data"]] == [paid["id"]]  # one payment, two cards


async def test_the_chinese_page(
    http: httpx.AsyncClient, merchant: Merchant, browser: Browser, tmp_path: Path
) -> None:
    _, url, _ = await _session(http, merchant)
    page = CheckoutPage(browser, phone=True, accept_language="zh-CN,zh;q=0.9,en;q=0.5")
    html = await page.load(url, 'id="pay"')
    assert 'lang="zh"' in html and "卡号" in html and "支付 25.00 USD" in html
    page.pay("decline")
    await page.until(lambda: 'id="message"' in page.html())
    shown = _seen(page, "#message", tmp_path / "zh.png")
    assert DECLINED_ZH in shown and "请在下方换一张卡重试。" in shown
    _doc_shot(page, "checkout-zh.png")
    # The merchant's locale wins over the browser's languages.
    _, zh_url, _ = await _session(http, merchant, locale="zh")
    english = CheckoutPage(browser, accept_language="en-US")
    assert "卡号" in await english.load(zh_url, 'id="pay"')


def _doc_shot(page: CheckoutPage, name: str) -> None:
    if DOC_SHOTS:
        data = page.shot(Path(DOC_SHOTS) / name)
        assert len(data) < 150_000, f"{name} is {len(data)} bytes"
