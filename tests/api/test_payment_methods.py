"""Saved cards (``pm_`` ids): reusable by the merchant that saved them, by nobody else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.temporal import derived_id
from tests.api.conftest import Merchant, count_payments, payment_body, vault_rows
from tests.helpers import Simulator

PAY = "/v1/payments"


async def _world(client: Client, sim: Simulator, merchant: Merchant, run_dir: Path) -> Any:
    """The merchant's workflows, the processor's effects and requests, the vault's rows."""
    report = sim.report()
    return (
        await count_payments(client, merchant.id),
        len(report["effects"]),
        sum(a["count"] for a in report["attempts"]),
        vault_rows(run_dir),
    )


async def _no_workflow(client: Client, merchant: Merchant, key: str) -> None:
    with pytest.raises(RPCError) as missing:
        await client.get_workflow_handle(derived_id("pay", merchant.id, key)).describe()
    assert missing.value.status == RPCStatusCode.NOT_FOUND


async def test_another_merchants_payment_method_is_refused_like_an_unknown_one(
    http: httpx.AsyncClient,
    client: Client,
    simulator: Simulator,
    merchant: Merchant,
    other_merchant: Merchant,
    run_dir: Path,
) -> None:
    first = await http.post(PAY, json=payment_body(), headers=merchant.headers("save"))
    assert first.status_code == 200, first.text
    pm = first.json()["payment_method"]
    assert pm.startswith("pm_")
    before = await _world(client, simulator, other_merchant, run_dir)
    stolen = await http.post(
        PAY,
        json={"amount": 100, "currency": "USD", "payment_method": pm},
        headers=other_merchant.headers("steal"),
    )
    unknown = await http.post(
        PAY,
        json={"amount": 100, "currency": "USD", "payment_method": "pm_" + "0" * 24},
        headers=other_merchant.headers("guess"),
    )
    assert stolen.status_code == unknown.status_code == 400
    assert stolen.json() == unknown.json()
    assert stolen.json()["error"]["code"] == "resource_missing"
    assert stolen.json()["error"]["param"] == "payment_method"
    assert pm not in stolen.text
    assert await _world(client, simulator, other_merchant, run_dir) == before
    await _no_workflow(client, other_merchant, "steal")


async def test_the_payment_method_of_a_payment_pays_again_for_its_merchant(
    http: httpx.AsyncClient, merchant: Merchant, run_dir: Path
) -> None:
    first = (await http.post(PAY, json=payment_body(), headers=merchant.headers("one"))).json()
    rows = vault_rows(run_dir)
    again = await http.post(
        PAY,
        json={"amount": 700, "currency": "USD", "payment_method": first["payment_method"]},
        headers=merchant.headers("two"),
    )
    assert again.status_code == 200, again.text
    p = again.json()
    assert (p["status"], p["amount_captured"]) == ("succeeded", 700)
    assert (p["payment_method"], p["card"]) == (first["payment_method"], first["card"])
    assert vault_rows(run_dir) == rows  # no new card was saved
    got = await http.get(f"{PAY}/{p['id']}", headers=merchant.headers())
    assert got.json()["payment_method"] == first["payment_method"]
    assert "4242424242424242" not in again.text + got.text
