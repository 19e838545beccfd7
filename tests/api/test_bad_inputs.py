"""Bad inputs: each answers its documented status and code, and nothing starts or moves.

After every case the merchant has no workflow (by visibility and by the id the key would have
given), the processor has no new effect or request, and the vault has no new card.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.temporal import derived_id
from tests.api.conftest import Merchant, card, count_payments, payment_body, vault_rows
from tests.helpers import Simulator

PAY = "/v1/payments"
NOPE = "/v1/payments/pay_000000000000000000000000"
GOOD = json.dumps(payment_body())


def raw(text: str) -> bytes:
    return text.encode()


def body(**changes: Any) -> dict[str, Any]:
    out = payment_body()
    out.update(changes)
    return {k: v for k, v in out.items() if v is not ...}


def card_with(**changes: Any) -> dict[str, Any]:
    return body(card={**card(), **changes})


# (case id, path, body (dict, or raw bytes), extra headers, status, code, param)
CASES: list[tuple[str, str, Any, dict[str, str], int, str, str | None]] = [
    ("float amount", PAY, body(amount=10.5), {}, 400, "parameter_invalid_integer", "amount"),
    ("float 1.0", PAY, raw(GOOD.replace("1000", "1000.0")), {}, 400,
     "parameter_invalid_integer", "amount"),
    ("exponent 1e3", PAY, raw(GOOD.replace("1000", "1e3")), {}, 400,
     "parameter_invalid_integer", "amount"),
    ("exponent 1E3", PAY, raw(GOOD.replace("1000", "1E3")), {}, 400,
     "parameter_invalid_integer", "amount"),
    ("string amount", PAY, body(amount="1000"), {}, 400, "parameter_invalid_integer", "amount"),
    ("boolean amount", PAY, body(amount=True), {}, 400, "parameter_invalid_integer", "amount"),
    ("NaN", PAY, raw(GOOD.replace("1000", "NaN")), {}, 400, "parameter_invalid_integer", "amount"),
    ("Infinity", PAY, raw(GOOD.replace("1000", "Infinity")), {}, 400,
     "parameter_invalid_integer", "amount"),
    ("null amount", PAY, body(amount=None), {}, 400, "parameter_invalid_integer", "amount"),
    ("zero", PAY, body(amount=0), {}, 400, "amount_too_small", "amount"),
    ("negative", PAY, body(amount=-5), {}, 400, "amount_too_small", "amount"),
    ("above max", PAY, body(amount=100_000_000), {}, 400, "amount_too_large", "amount"),
    ("huge", PAY, raw(GOOD.replace("1000", "9" * 400)), {}, 400, "amount_too_large", "amount"),
    ("duplicate key", PAY, raw(GOOD.replace('"amount": 1000', '"amount": 1, "amount": 1000')),
     {}, 400, "invalid_json", "amount"),
    ("unknown field", PAY, body(tip=5), {}, 400, "parameter_unknown", "tip"),
    ("unknown card field", PAY, card_with(name="A"), {}, 400, "parameter_unknown", "card[name]"),
    ("currency not allowed", PAY, body(currency="XYZ"), {}, 400, "invalid_currency", "currency"),
    ("currency padded", PAY, body(currency="usd "), {}, 400, "invalid_currency", "currency"),
    ("no currency", PAY, body(currency=...), {}, 400, "parameter_missing", "currency"),
    ("no amount", PAY, body(amount=...), {}, 400, "parameter_missing", "amount"),
    ("no card", PAY, body(card=...), {}, 400, "parameter_missing", "card"),
    ("card and token", PAY, body(payment_method="pm_" + "a" * 24), {}, 400,
     "parameter_invalid", "payment_method"),
    ("unknown token", PAY, body(card=..., payment_method="pm_" + "a" * 24), {}, 400,
     "resource_missing", "payment_method"),
    ("luhn", PAY, card_with(number="4242424242424241"), {}, 400, "invalid_number",
     "card[number]"),
    ("letters in number", PAY, card_with(number="4242abcd42424242"), {}, 400, "invalid_number",
     "card[number]"),
    ("month 13", PAY, card_with(exp_month=13), {}, 400, "invalid_expiry_month",
     "card[exp_month]"),
    ("expired", PAY, card_with(exp_year=2020), {}, 400, "expired_card", "card[exp_year]"),
    ("short cvc", PAY, card_with(cvc="12"), {}, 400, "invalid_cvc", "card[cvc]"),
    ("4-digit cvc on a visa", PAY, card_with(cvc="1234"), {}, 400, "invalid_cvc", "card[cvc]"),
    ("3-digit cvc on an amex", PAY, card_with(number="378282246310005", cvc="123"), {}, 400,
     "invalid_cvc", "card[cvc]"),
    ("month as string", PAY, card_with(exp_month="12"), {}, 400, "parameter_invalid_integer",
     "card[exp_month]"),
    ("capture_method", PAY, body(capture_method="later"), {}, 400, "parameter_invalid",
     "capture_method"),
    ("metadata number", PAY, body(metadata={"k": 1}), {}, 400, "parameter_invalid_string",
     "metadata[k]"),
    ("card in metadata", PAY, body(metadata={"k": "4242 4242 4242 4242"}), {}, 400,
     "invalid_request", "metadata[k]"),
    ("card in description", PAY, body(description="card 4242424242424242"), {}, 400,
     "invalid_request", "description"),
    ("21 metadata keys", PAY, body(metadata={f"k{i}": "v" for i in range(21)}), {}, 400,
     "parameter_invalid", "metadata"),
    ("bad e-mail", PAY, body(customer={"id": "c1", "email": "nope"}), {}, 400,
     "parameter_invalid", "customer[email]"),
    ("array body", PAY, raw("[1000]"), {}, 400, "invalid_json", None),
    ("not JSON", PAY, raw("amount=1000"), {}, 400, "invalid_json", None),
    ("not UTF-8", PAY, b'{"amount": "\xff"}', {}, 400, "invalid_json", None),
    ("empty body", PAY, raw(""), {}, 400, "parameter_missing", "amount"),
    ("no key", PAY, body(), {"Idempotency-Key": ""}, 400, "idempotency_key_invalid",
     "Idempotency-Key"),
    ("key too long", PAY, body(), {"Idempotency-Key": "k" * 256}, 400,
     "idempotency_key_invalid", "Idempotency-Key"),
    ("too large", PAY, body(description="x" * 20_000), {}, 413, "request_too_large", None),
    ("no API key", PAY, body(), {"Authorization": ""}, 401, "api_key_missing", None),
    ("capture float", f"{NOPE}/capture", {"amount": 1.5}, {}, 400,
     "parameter_invalid_integer", "amount"),
    ("refund negative", f"{NOPE}/refunds", {"amount": -1}, {}, 400, "amount_too_small",
     "amount"),
    ("capture above max", f"{NOPE}/capture", {"amount": 100_000_000}, {}, 400,
     "amount_too_large", "amount"),
    ("refund above max", f"{NOPE}/refunds", {"amount": 100_000_000}, {}, 400,
     "amount_too_large", "amount"),
    ("refund unknown field", f"{NOPE}/refunds", {"amount": 1, "to": "x"}, {}, 400,
     "parameter_unknown", "to"),
    ("webhook url", "/v1/webhook_endpoints", {"url": "ftp://x"}, {}, 400, "parameter_invalid",
     "url"),
]  # fmt: skip


async def _world(client: Client, sim: Simulator, merchant: Merchant, run_dir: Path) -> Any:
    report = sim.report()
    return (
        await count_payments(client, merchant.id),
        len(report["effects"]),
        sum(a["count"] for a in report["attempts"]),
        vault_rows(run_dir),
    )


@pytest.mark.parametrize(
    ("path", "payload", "headers", "status", "code", "param"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
async def test_bad_input_is_refused_and_changes_nothing(
    http: httpx.AsyncClient,
    client: Client,
    simulator: Simulator,
    merchant: Merchant,
    run_dir: Path,
    path: str,
    payload: Any,
    headers: dict[str, str],
    status: int,
    code: str,
    param: str | None,
) -> None:
    before = await _world(client, simulator, merchant, run_dir)
    sent = {**merchant.headers("bad-key"), **headers}
    sent = {k: v for k, v in sent.items() if v or k == "Idempotency-Key"}
    if isinstance(payload, bytes):
        sent["Content-Type"] = "application/json"
        resp = await http.post(path, content=payload, headers=sent)
    else:
        resp = await http.post(path, json=payload, headers=sent)
    error = resp.json()["error"]
    assert (resp.status_code, error["code"], error["param"]) == (status, code, param), resp.text
    assert set(error) >= {"type", "code", "message", "param", "decline_code"}
    assert "4242" not in error["message"]
    assert await _world(client, simulator, merchant, run_dir) == before
    with pytest.raises(RPCError) as missing:
        await client.get_workflow_handle(derived_id("pay", merchant.id, "bad-key")).describe()
    assert missing.value.status == RPCStatusCode.NOT_FOUND


async def test_a_refused_request_saves_nothing_so_the_key_stays_usable(
    http: httpx.AsyncClient, merchant: Merchant
) -> None:
    bad = await http.post(PAY, json=body(amount=0), headers=merchant.headers("reuse"))
    assert bad.status_code == 400
    good = await http.post(PAY, json=body(), headers=merchant.headers("reuse"))
    assert good.status_code == 200 and "idempotent-replayed" not in good.headers


def test_the_table_has_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30
