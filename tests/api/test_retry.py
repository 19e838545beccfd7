"""Retry after a decline through the real stack: the API, the worker, the simulator."""

from __future__ import annotations

import uuid

import httpx

from tests.api.conftest import Merchant, card, payment_body
from tests.api.test_authentication import _answer

_WORDS = {
    "decline": ("generic_decline", "被拒绝"),
    "insufficient": ("insufficient_funds", "余额不足"),
}


async def _declined(http: httpx.AsyncClient, merchant: Merchant, name: str = "decline") -> str:
    """A ``retry_on_decline`` payment whose first card is declined (at authorization, or at the
    balance check for ``insufficient``)."""
    code, words = _WORDS[name]
    body = payment_body(2500, name, retry_on_decline=True)
    headers = merchant.headers(str(uuid.uuid4()), **{"Accept-Language": "zh"})
    resp = await http.post("/v1/payments", json=body, headers=headers)
    assert resp.status_code == 402, resp.text
    error = resp.json()["error"]
    assert (error["decline_code"], error["payment_status"]) == (code, "requires_payment_method")
    assert words in error["customer_message"] and error["next_step"] == "try_another_card"
    shown = await http.get(f"/v1/payments/{error['payment_id']}", headers=merchant.headers())
    assert shown.json()["status"] == "requires_payment_method"
    assert shown.json()["failure"]["decline_code"] == code
    return str(error["payment_id"])


async def _confirm(
    http: httpx.AsyncClient,
    merchant: Merchant,
    pid: str,
    body: dict[str, object],
    key: str | None = None,
) -> httpx.Response:
    headers = merchant.headers(key or str(uuid.uuid4()))
    return await http.post(f"/v1/payments/{pid}/confirm", json=body, headers=headers)


async def test_a_declined_payment_succeeds_with_another_card(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    pid = await _declined(http, merchant)
    key = str(uuid.uuid4())
    paid = await _confirm(http, merchant, pid, {"card": card("visa")}, key)
    assert paid.status_code == 200, paid.text
    assert (paid.json()["id"], paid.json()["status"]) == (pid, "succeeded")
    assert paid.json()["amount_captured"] == 2500 and paid.json()["failure"] is None
    events = (await http.get(f"/v1/payments/{pid}/events", headers=merchant.headers())).json()
    details = [e["detail"] or "" for e in events["data"]]
    assert events["data"][0]["type"] == "payment.requires_payment_method"
    assert "attempt 1, card ending 0002: declined generic_decline" in details[0]
    assert any("attempt 2, card ending 4242" in d for d in details)
    # The same request again: the stored answer, no second attempt, no second event.
    again = await _confirm(http, merchant, pid, {"card": card("visa")}, key)
    assert again.status_code == 200 and again.json() == paid.json()
    replayed = (await http.get(f"/v1/payments/{pid}/events", headers=merchant.headers())).json()
    assert replayed == events


async def test_another_merchants_payment_method_is_refused(
    http: httpx.AsyncClient, merchant: Merchant, other_merchant: Merchant
) -> None:
    theirs = await http.post("/v1/payments", json=payment_body(100, "visa"),
                             headers=other_merchant.headers(str(uuid.uuid4())))  # fmt: skip
    token = theirs.json()["payment_method"]
    pid = await _declined(http, merchant, "insufficient")
    stolen = await _confirm(http, merchant, pid, {"payment_method": token})
    assert stolen.status_code == 400
    assert (stolen.json()["error"]["code"], stolen.json()["error"]["param"]) == (
        "resource_missing", "payment_method",
    )  # fmt: skip
    shown = await http.get(f"/v1/payments/{pid}", headers=merchant.headers())
    assert shown.json()["status"] == "requires_payment_method"


async def test_confirm_refusals_and_cancel(http: httpx.AsyncClient, merchant: Merchant) -> None:
    pid = await _declined(http, merchant)
    both = await _confirm(http, merchant, pid, {"card": card("visa"), "payment_method": "pm_x"})
    assert both.status_code == 400
    neither = await _confirm(http, merchant, pid, {})
    assert neither.json()["error"]["code"] == "parameter_missing"
    canceled = await http.post(f"/v1/payments/{pid}/cancel", json={},
                               headers=merchant.headers(str(uuid.uuid4())))  # fmt: skip
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["status"] == "failed"
    assert canceled.json()["failure"]["code"] == "canceled_by_merchant"
    late = await _confirm(http, merchant, pid, {"card": card("visa")})
    assert late.status_code == 409


async def test_a_3ds_card_as_the_next_card_runs_its_challenge(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    pid = await _declined(http, merchant)
    body = {"card": card("challenge")}
    challenged = await _confirm(http, merchant, pid, body)
    assert challenged.status_code == 200, challenged.text
    assert (challenged.json()["id"], challenged.json()["status"]) == (pid, "requires_action")
    await _answer(http, challenged.json()["next_action"]["redirect_to_url"]["url"], "approve")
    final = (await http.get(f"/v1/payments/{pid}", headers=merchant.headers())).json()
    assert (final["status"], final["amount_captured"]) == ("succeeded", 2500)
