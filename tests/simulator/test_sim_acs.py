"""The access control server: 3-D Secure cards, the challenge page, and authorization after it."""

import re
import time
from typing import Any

import httpx
from sim_support import Sim, card, uid

CHALLENGE, FRICTIONLESS, FAILS = "4000000000003220", "4000000000003055", "4000008400001280"


def _start(sim: Sim, number: str, pay: str, **extra: Any) -> httpx.Response:
    body = {"card": card(number), "amount": 4200, "currency": "EUR", "merchant_id": "m_test",
            "payment_id": pay, "step": "authenticate", "expires_in_seconds": 900,
            **extra}  # fmt: skip
    return sim.post("/v1/authentications", body, uid("key"))


def _answer(sim: Sim, url: str, result: str) -> httpx.Response:
    return sim.http.post(url, content=f"result={result}",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip


def test_a_challenge_card_is_declined_until_authenticated(sim: Sim) -> None:
    pay = uid("pay")
    refused = sim.authorize(4200, CHALLENGE, payment_id=pay)
    assert refused.status_code == 402
    assert refused.json()["error"]["decline_code"] == "authentication_required"
    started = _start(sim, CHALLENGE, pay).json()
    assert started["state"] == "challenge" and started["challenge_url"]
    # Not yet answered: still refused, even with the authentication's id.
    early = sim.authorize(4200, CHALLENGE, payment_id=pay, authentication_id=started["id"])
    assert early.status_code == 402
    page = sim.http.get(started["challenge_url"])
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "42.00 EUR" in page.text and "<script" not in page.text
    assert re.search(r'<button type="submit" name="result" value="approve"', page.text)
    done = _answer(sim, started["challenge_url"], "approve")
    assert done.status_code == 200 and "confirmed" in done.text
    assert sim.http.get(f"/v1/authentications/{started['id']}").json()["state"] == "authenticated"
    held = sim.authorize(4200, CHALLENGE, payment_id=pay, authentication_id=started["id"])
    assert held.status_code == 201, held.text


def test_an_authentication_is_good_for_its_own_payment_only(sim: Sim) -> None:
    pay = uid("pay")
    started = _start(sim, CHALLENGE, pay).json()
    _answer(sim, started["challenge_url"], "approve")
    other = sim.authorize(4200, CHALLENGE, payment_id=uid("pay"), authentication_id=started["id"])
    assert other.status_code == 402


def test_deny_fails_and_the_answer_is_recorded_once(sim: Sim) -> None:
    started = _start(sim, CHALLENGE, uid("pay")).json()
    _answer(sim, started["challenge_url"], "deny")
    _answer(sim, started["challenge_url"], "approve")  # too late: the first answer stands
    assert sim.http.get(f"/v1/authentications/{started['id']}").json()["state"] == "failed"


def test_the_failing_card_fails_even_when_approved(sim: Sim) -> None:
    started = _start(sim, FAILS, uid("pay")).json()
    assert started["state"] == "challenge"
    _answer(sim, started["challenge_url"], "approve")
    assert sim.http.get(f"/v1/authentications/{started['id']}").json()["state"] == "failed"


def test_frictionless_is_authenticated_without_a_challenge(sim: Sim) -> None:
    pay = uid("pay")
    started = _start(sim, FRICTIONLESS, pay).json()
    assert (started["state"], started["challenge_url"]) == ("authenticated", None)
    held = sim.authorize(100, FRICTIONLESS, payment_id=pay, authentication_id=started["id"])
    assert held.status_code == 201


def test_the_answer_sends_the_browser_back_with_the_id(sim: Sim) -> None:
    back = "http://shop.example/return?order=7"
    started = _start(sim, CHALLENGE, uid("pay"), return_url=back).json()
    done = _answer(sim, started["challenge_url"], "approve")
    assert done.status_code == 303
    assert done.headers["location"] == f"{back}&authentication={started['id']}"


def test_an_expired_challenge_cannot_be_approved(sim: Sim) -> None:
    started = _start(sim, CHALLENGE, uid("pay"), expires_in_seconds=1).json()
    time.sleep(1.2)
    _answer(sim, started["challenge_url"], "approve")
    assert sim.http.get(f"/v1/authentications/{started['id']}").json()["state"] == "expired"


def test_bad_answers_and_unknown_challenges(sim: Sim) -> None:
    started = _start(sim, CHALLENGE, uid("pay")).json()
    assert _answer(sim, started["challenge_url"], "maybe").status_code == 400
    assert sim.http.get("/acs/acs_nope").status_code == 404
    assert sim.http.get("/v1/authentications/acs_nope").status_code == 404
    assert CHALLENGE not in sim.http.get(started["challenge_url"]).text
