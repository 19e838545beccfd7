"""Customers and saved cards through the running API: saved on request, listed without the
number, paid with again, detached for good, and invisible to every other merchant."""

from __future__ import annotations

from typing import Any

import httpx

from cli.testcards import card_number
from tests.api.conftest import Merchant, payment_body

PAY, CUS = "/v1/payments", "/v1/customers"
EMAIL = "jenny@example.com"


async def _customer(http: httpx.AsyncClient, merchant: Merchant, key: str) -> str:
    made = await http.post(CUS, json={"email": EMAIL, "name": "Jenny Rosen"},
                           headers=merchant.headers(key))  # fmt: skip
    assert made.status_code == 200, made.text
    assert (made.json()["email"], made.json()["object"]) == (EMAIL, "customer")
    return str(made.json()["id"])


async def _pay(http: httpx.AsyncClient, merchant: Merchant, key: str, **body: Any) -> Any:
    return await http.post(PAY, json={"amount": 500, "currency": "USD", **body},
                           headers=merchant.headers(key))  # fmt: skip


async def _saved(http: httpx.AsyncClient, merchant: Merchant, customer: str) -> tuple[str, str]:
    """A card paid with and saved to ``customer``; its pm id and the first payment's id."""
    paid = await http.post(PAY, json=payment_body(customer=customer, save_payment_method=True),
                           headers=merchant.headers(f"save-{customer}"))  # fmt: skip
    assert paid.status_code == 200, paid.text
    assert (paid.json()["status"], paid.json()["customer"]) == ("succeeded", customer)
    return str(paid.json()["payment_method"]), str(paid.json()["id"])


async def test_a_saved_card_is_listed_without_its_number_and_pays_until_detached(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    customer = await _customer(http, merchant, "cus-1")
    pm, _ = await _saved(http, merchant, customer)
    listed = await http.get(f"{CUS}/{customer}/payment_methods", headers=merchant.headers())
    assert listed.status_code == 200, listed.text
    [card] = listed.json()["data"]
    assert (card["id"], card["customer"]) == (pm, customer)
    assert card["card"] == {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}
    assert card_number("visa") not in listed.text and card_number("visa")[:12] not in listed.text
    again = await _pay(http, merchant, "again", payment_method=pm, customer=customer)
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["payment_method"]) == ("succeeded", pm)
    gone = await http.delete(f"{CUS}/{customer}/payment_methods/{pm}", headers=merchant.headers())
    assert gone.status_code == 200, gone.text
    assert (gone.json()["id"], gone.json()["customer"]) == (pm, None)
    listed = await http.get(f"{CUS}/{customer}/payment_methods", headers=merchant.headers())
    assert listed.json()["data"] == []
    for key, extra in (("after-1", {"customer": customer}), ("after-2", {})):
        refused = await _pay(http, merchant, key, payment_method=pm, **extra)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["code"] == "resource_missing"
        assert refused.json()["error"]["param"] == "payment_method"


async def test_another_merchant_cannot_see_change_or_pay_with_a_customer(
    http: httpx.AsyncClient, merchant: Merchant, other_merchant: Merchant
) -> None:
    customer = await _customer(http, merchant, "cus-a")
    pm, _ = await _saved(http, merchant, customer)
    theirs = await _customer(http, other_merchant, "cus-b")
    unknown = "cus_" + "0" * 24
    b = other_merchant.headers()
    for path in ("", "/payment_methods"):
        seen = await http.get(f"{CUS}/{customer}{path}", headers=b)
        made_up = await http.get(f"{CUS}/{unknown}{path}", headers=b)
        assert seen.status_code == made_up.status_code == 404
        assert seen.json() == made_up.json()
        assert seen.json()["error"]["code"] == "resource_missing"
    assert [c["id"] for c in (await http.get(CUS, headers=b)).json()["data"]] == [theirs]
    for attempt in (
        await http.delete(f"{CUS}/{customer}", headers=b),
        await http.delete(f"{CUS}/{customer}/payment_methods/{pm}", headers=b),
        await http.delete(f"{CUS}/{theirs}/payment_methods/{pm}", headers=b),
    ):
        assert attempt.status_code == 404, attempt.text
    stolen = await _pay(http, other_merchant, "steal-1", payment_method=pm, customer=theirs)
    borrowed = await http.post(PAY, json=payment_body(customer=customer, save_payment_method=True),
                               headers=other_merchant.headers("steal-2"))  # fmt: skip
    for refused, param in ((stolen, "payment_method"), (borrowed, "customer")):
        assert refused.status_code == 400, refused.text
        assert (refused.json()["error"]["code"], refused.json()["error"]["param"]) == (
            "resource_missing", param)  # fmt: skip
    # A's customer and card are untouched, and still pay for A.
    a = merchant.headers()
    assert [c["id"] for c in (await http.get(f"{CUS}/{customer}/payment_methods", headers=a))
            .json()["data"]] == [pm]  # fmt: skip
    assert (await _pay(http, merchant, "still", payment_method=pm)).status_code == 200


async def test_deleting_a_customer_revokes_its_cards_and_keeps_its_payments(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    customer = await _customer(http, merchant, "cus-del")
    pm, payment = await _saved(http, merchant, customer)
    deleted = await http.delete(f"{CUS}/{customer}", headers=merchant.headers())
    assert deleted.json() == {"id": customer, "object": "customer", "deleted": True}
    assert (await http.get(f"{CUS}/{customer}", headers=merchant.headers())).status_code == 404
    assert (await http.delete(f"{CUS}/{customer}", headers=merchant.headers())).status_code == 404
    kept = await http.get(f"{PAY}/{payment}", headers=merchant.headers())
    assert (kept.json()["status"], kept.json()["customer"]) == ("succeeded", customer)
    refused = await _pay(http, merchant, "after-delete", payment_method=pm)
    assert refused.json()["error"]["code"] == "resource_missing", refused.text


async def test_creates_are_idempotent_and_pages_never_shift(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    ids = [await _customer(http, merchant, f"page-{n}") for n in range(3)]
    replay = await http.post(CUS, json={"email": EMAIL, "name": "Jenny Rosen"},
                             headers=merchant.headers("page-0"))  # fmt: skip
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert (replay.json()["id"], replay.json()["email"]) == (ids[0], None)  # kept only sealed
    first = (await http.get(CUS, params={"limit": 2}, headers=merchant.headers())).json()
    assert [c["id"] for c in first["data"]] == ids[:0:-1] and first["has_more"]
    rest = await http.get(CUS, params={"page": first["next_page"]}, headers=merchant.headers())
    assert [c["id"] for c in rest.json()["data"]] == ids[:1] and not rest.json()["has_more"]


async def test_saving_needs_a_card_a_customer_and_a_payment_that_goes_through(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    customer = await _customer(http, merchant, "cus-rules")
    alone = await http.post(PAY, json=payment_body(save_payment_method=True),
                            headers=merchant.headers("no-customer"))  # fmt: skip
    assert alone.json()["error"]["param"] == "save_payment_method", alone.text
    declined = await http.post(
        PAY, json=payment_body(name="decline", customer=customer, save_payment_method=True),
        headers=merchant.headers("declined"),
    )  # fmt: skip
    assert declined.status_code == 402, declined.text
    listed = await http.get(f"{CUS}/{customer}/payment_methods", headers=merchant.headers())
    assert listed.json()["data"] == []
    card_like = await http.post(CUS, json={"name": card_number("visa")},
                                headers=merchant.headers("card-like"))  # fmt: skip
    assert (card_like.status_code, card_like.json()["error"]["param"]) == (400, "name")
    assert card_number("visa") not in card_like.text
