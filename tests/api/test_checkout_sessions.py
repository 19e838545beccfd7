"""``/v1/checkout_sessions`` and the page behind them over plain HTTP (no browser): the
merchant's objects, the page's rules (CSRF, one payment per session, expiry, submit limit)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from cli.testcards import card_number
from tests.api.conftest import Merchant

SHOP = "http://shop.example/done?order=7"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _body(**extra: object) -> dict[str, object]:
    return {"amount": 2500, "currency": "usd", "description": "Green tea", "success_url": SHOP,
            "cancel_url": "http://shop.example/cart", **extra}  # fmt: skip


async def _create(http: httpx.AsyncClient, merchant: Merchant, key: str = "") -> dict[str, Any]:
    made = await http.post("/v1/checkout_sessions", json=_body(),
                           headers=merchant.headers(key or str(uuid.uuid4())))  # fmt: skip
    assert made.status_code == 200, made.text
    return dict(made.json())


def _form(page: str, card: str = "visa", **changed: str) -> dict[str, str]:
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    attempt = re.search(r'name="attempt" value="(\d+)"', page)
    assert csrf and attempt, "no card form on the page"
    fields = {"csrf": csrf[1], "attempt": attempt[1], "number": card_number(card),
              "exp": "12/34", "cvc": "123", "name": "Jenny Rosen"}  # fmt: skip
    return {**fields, **changed}


async def test_a_session_is_created_once_and_seen_by_its_merchant_only(
    http: httpx.AsyncClient, merchant: Merchant, other_merchant: Merchant
) -> None:
    key = str(uuid.uuid4())
    made = await _create(http, merchant, key)
    assert made["id"].startswith("cs_") and made["url"].endswith("/checkout/" + made["id"])
    assert (made["status"], made["currency"], made["payment_id"]) == ("open", "USD", None)
    life = datetime.fromisoformat(made["expires_at"]) - datetime.fromisoformat(made["created_at"])
    assert life == timedelta(hours=24)
    again = await http.post("/v1/checkout_sessions", json=_body(), headers=merchant.headers(key))
    assert again.json() == made and again.headers["Idempotent-Replayed"] == "true"
    assert (await _create(http, merchant))["id"] != made["id"]
    shown = await http.get(f"/v1/checkout_sessions/{made['id']}", headers=merchant.headers())
    assert shown.json() == made
    for who, sid in ((other_merchant, made["id"]), (merchant, "cs_" + "0" * 40)):
        missing = await http.get(f"/v1/checkout_sessions/{sid}", headers=who.headers())
        assert (missing.status_code, missing.json()["error"]["code"]) == (404, "resource_missing")


async def test_bad_requests_are_refused_with_their_param(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    cases = {
        "success_url": _body(success_url="ftp://shop.example/"),
        "cancel_url": _body(cancel_url="http://user:secret@shop.example/"),
        "locale": _body(locale="fr"),
        "description": _body(description="card 4242424242424242"),
        "color": _body(color="blue"),
    }
    for param, body in cases.items():
        resp = await http.post("/v1/checkout_sessions", json=body,
                               headers=merchant.headers(str(uuid.uuid4())))  # fmt: skip
        assert resp.status_code == 400, (param, resp.text)
        assert resp.json()["error"]["param"] == param
        assert "secret" not in resp.text and "4242424242424242" not in resp.text


async def test_the_page_is_plain_html_and_refuses_a_forged_form(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    made = await _create(http, merchant)
    page = await http.get(made["url"], headers={"Accept-Language": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'name="viewport"' in page.text and "<script" not in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src" not in page.headers["Content-Security-Policy"]  # default-src 'none'
    forged = await http.post(made["url"], data=_form(page.text, csrf="x" * 32))
    assert forged.status_code == 403 and 'name="csrf"' in forged.text
    bad = await http.post(made["url"], data=_form(page.text, number="4242424242424241"))
    assert bad.status_code == 400 and "The card number is not valid." in bad.text
    assert card_number("visa") not in bad.text
    shown = await http.get(f"/v1/checkout_sessions/{made['id']}", headers=merchant.headers())
    assert shown.json()["payment_id"] is None  # nothing was started
    unknown = await http.get(made["url"][:-4] + "0000")
    assert unknown.status_code == 404


async def test_two_submits_of_one_form_make_one_payment(
    http: httpx.AsyncClient, merchant: Merchant, run_dir: Path
) -> None:
    made = await _create(http, merchant)
    form = _form((await http.get(made["url"])).text)
    first, second = await asyncio.gather(
        http.post(made["url"], data=form), http.post(made["url"], data=form)
    )
    # One pays and goes to the shop; the other, if the payment was still running when it came,
    # shows the page that refreshes itself until then. Neither tries the card a second time.
    done = [r for r in (first, second) if r.status_code == 303]
    waiting = [r for r in (first, second) if r.status_code == 200]
    assert done and all('http-equiv="refresh"' in r.text for r in waiting), (first, second)
    assert done[0].headers["location"] == f"{SHOP}&session_id={made['id']}"
    late = await http.post(made["url"], data=form)  # after it was paid
    assert late.status_code == 303
    listed = (await http.get("/v1/payments", headers=merchant.headers())).json()["data"]
    session = await http.get(f"/v1/checkout_sessions/{made['id']}", headers=merchant.headers())
    assert [p["id"] for p in listed] == [session.json()["payment_id"]]
    assert session.json()["status"] == "complete"
    log = (run_dir / "logs" / "api.log").read_text()
    assert card_number("visa") not in log
    assert made["id"] not in log and made["id"][:11] + "..." in log  # the page's token, shortened


async def test_an_expired_page_takes_no_card(
    http: httpx.AsyncClient, merchant: Merchant, run_dir: Path
) -> None:
    made = await _create(http, merchant)
    form = _form((await http.get(made["url"])).text)
    with sqlite3.connect(run_dir / "api.db") as conn:
        conn.execute("UPDATE checkout_sessions SET expires_us = 0 WHERE id = ?", (made["id"],))
    page = await http.post(made["url"], data=form)
    assert "This payment page has expired." in page.text and 'name="csrf"' not in page.text
    shown = await http.get(f"/v1/checkout_sessions/{made['id']}", headers=merchant.headers())
    assert (shown.json()["status"], shown.json()["payment_id"]) == ("expired", None)


async def test_submits_are_limited_per_session(http: httpx.AsyncClient, merchant: Merchant) -> None:
    made = await _create(http, merchant)
    form = _form((await http.get(made["url"])).text, exp="13/40")
    answers = [(await http.post(made["url"], data=form)).status_code for _ in range(11)]
    assert answers == [400] * 10 + [429]


async def test_a_form_from_before_the_last_card_tries_nothing(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    made = await _create(http, merchant)
    declined = await http.post(
        made["url"], data=_form((await http.get(made["url"])).text, "decline")
    )
    assert (
        "Your card was declined." in declined.text and 'name="attempt" value="2"' in declined.text
    )
    second = _form(declined.text, "insufficient")
    again = await http.post(made["url"], data=second)
    assert 'name="attempt" value="3"' in again.text
    # The second card's form once more (a reload that re-posts, a second tab): shown, not tried.
    stale = await http.post(made["url"], data={**second, "number": card_number("visa")})
    assert stale.status_code == 409 and "This form is out of date." in stale.text
    session = await http.get(f"/v1/checkout_sessions/{made['id']}", headers=merchant.headers())
    pid = session.json()["payment_id"]
    events = (await http.get(f"/v1/payments/{pid}/events", headers=merchant.headers())).json()
    tried = [e for e in events["data"] if e["event"] == "requires_payment_method"]
    assert len(tried) == 2 and not any(e["event"] == "authorized" for e in events["data"])
