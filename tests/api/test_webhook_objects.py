"""One vocabulary: a webhook's ``data.object`` is exactly the API's payment object."""

from __future__ import annotations

from pathlib import Path

import httpx

from payments.public import PaymentOut
from tests.api.conftest import Merchant, payment_body
from tests.webhook_receiver import until, webhook_receiver


async def test_webhook_object_equals_the_payment_the_api_shows(
    http: httpx.AsyncClient, merchant: Merchant, run_dir: Path
) -> None:
    with webhook_receiver(run_dir, merchant.id) as receiver:
        ok = await http.post("/v1/payments", json=payment_body(1500),
                             headers=merchant.headers("wh-ok"))  # fmt: skip
        bad = await http.post("/v1/payments", json=payment_body(1500, name="insufficient"),
                              headers=merchant.headers("wh-declined"))  # fmt: skip
        assert (ok.status_code, bad.status_code) == (200, 402), (ok.text, bad.text)
        paid, declined = ok.json()["id"], bad.json()["error"]["payment_id"]
        await until(lambda: len(receiver.of(paid)) == 2 and len(receiver.of(declined)) == 1)
    assert receiver.types(paid) == ["payment.authorized", "payment.succeeded"]
    assert receiver.types(declined) == ["payment.failed"]
    for payment_id in (paid, declined):
        got = await http.get(f"/v1/payments/{payment_id}", headers=merchant.headers())
        last = receiver.of(payment_id)[-1]["data"]["object"]
        assert last == got.json()
        PaymentOut.model_validate(last)
    failure = receiver.of(declined)[0]["data"]["object"]["failure"]
    assert (failure["code"], failure["decline_code"]) == ("card_declined", "insufficient_funds")
    assert receiver.of(paid)[-1]["data"]["object"]["status"] == "succeeded"
