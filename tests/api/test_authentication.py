"""3-D Secure through the real stack: the API, the worker, the simulator's challenge page."""

from __future__ import annotations

import uuid

import httpx

from tests.api.conftest import Merchant, payment_body

SHOP = "http://shop.example/thanks?order=7"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def _create(http: httpx.AsyncClient, merchant: Merchant, name: str, **extra: object) -> dict:
    key = str(uuid.uuid4())
    resp = await http.post("/v1/payments", json=payment_body(2500, name, **extra),
                           headers=merchant.headers(key))  # fmt: skip
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def _challenge(http: httpx.AsyncClient, merchant: Merchant, name: str) -> dict:
    paid = await _create(http, merchant, name, return_url=SHOP)
    assert paid["status"] == "requires_action"
    assert paid["next_action"]["type"] == "redirect_to_url"
    assert paid["next_action"]["redirect_to_url"]["return_url"] == SHOP
    shown = await http.get(f"/v1/payments/{paid['id']}", headers=merchant.headers())
    assert shown.json()["status"] == "requires_action"
    return paid


async def _answer(http: httpx.AsyncClient, url: str, result: str) -> httpx.Response:
    """Post the form as a browser would, then follow the access control server back to us."""
    async with httpx.AsyncClient(timeout=60) as browser:
        page = await browser.get(url)
        assert page.status_code == 200 and 'value="approve"' in page.text
        answered = await browser.post(url, content=f"result={result}", headers=FORM)
        assert answered.status_code == 303
        return await browser.get(answered.headers["location"])


async def test_an_approved_challenge_succeeds(http: httpx.AsyncClient, merchant: Merchant) -> None:
    paid = await _challenge(http, merchant, "challenge")
    back = await _answer(http, paid["next_action"]["redirect_to_url"]["url"], "approve")
    assert back.status_code == 303
    assert back.headers["location"] == f"{SHOP}&payment_id={paid['id']}"
    final = (await http.get(f"/v1/payments/{paid['id']}", headers=merchant.headers())).json()
    assert (final["status"], final["amount_captured"], final["next_action"]) == (
        "succeeded", 2500, None,
    )  # fmt: skip
    events = await http.get(f"/v1/payments/{paid['id']}/events", headers=merchant.headers())
    types = [e["type"] for e in events.json()["data"]]
    assert types[0] == "payment.requires_action" and "payment.succeeded" in types


async def test_a_denied_challenge_fails_in_the_customers_words(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    paid = await _challenge(http, merchant, "challenge")
    await _answer(http, paid["next_action"]["redirect_to_url"]["url"], "deny")
    final = await http.get(f"/v1/payments/{paid['id']}",
                           headers=merchant.headers(**{"Accept-Language": "zh-CN"}))  # fmt: skip
    failure = final.json()["failure"]
    assert (final.json()["status"], failure["code"]) == ("failed", "authentication_failed")
    assert failure["language"] == "zh" and "验证" in failure["customer_message"]


async def test_the_failing_card_fails_even_when_approved(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    paid = await _challenge(http, merchant, "challenge_fails")
    await _answer(http, paid["next_action"]["redirect_to_url"]["url"], "approve")
    final = (await http.get(f"/v1/payments/{paid['id']}", headers=merchant.headers())).json()
    assert (final["status"], final["failure"]["code"]) == ("failed", "authentication_failed")


async def test_a_frictionless_card_succeeds_without_requires_action(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    paid = await _create(http, merchant, "frictionless")
    assert (paid["status"], paid["next_action"]) == ("succeeded", None)


async def test_a_forged_return_changes_nothing(http: httpx.AsyncClient, merchant: Merchant) -> None:
    paid = await _challenge(http, merchant, "challenge")
    challenge = paid["next_action"]["redirect_to_url"]["url"].rsplit("/", 1)[1]
    base = f"/v1/payments/{paid['id']}/challenge_return"
    # The real id, but the customer never answered: the processor says so, nothing moves.
    unanswered = await http.get(base, params={"authentication": challenge})
    assert unanswered.status_code == 303
    forged = await http.get(base, params={"authentication": "acs_forged"})
    assert forged.status_code == 404
    still = (await http.get(f"/v1/payments/{paid['id']}", headers=merchant.headers())).json()
    assert still["status"] == "requires_action"


async def test_a_bad_return_url_is_refused(http: httpx.AsyncClient, merchant: Merchant) -> None:
    resp = await http.post("/v1/payments", json=payment_body(100, "challenge", return_url="ftp://x"),
                           headers=merchant.headers(str(uuid.uuid4())))  # fmt: skip
    assert resp.status_code == 400
    assert resp.json()["error"]["param"] == "return_url"
