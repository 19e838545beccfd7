"""Reconciliation against the real worker and simulator: clean, tampered ledger, stuck payment."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from temporalio.client import Client

from facade import operations as ops
from facade.tokenize import tokenize_card
from infra.settings import Settings
from payments import search_attributes as sa
from payments.ids import new_payment_id
from payments.models import CaptureMethod, PaymentRequest, RefundRequest
from payments.money import Currency, Money
from payments.reconcile import FindingKind, ReconcileInput, ReconcileReport
from stores.findings import open_findings
from tests.helpers import _raw, pay
from workflows.payment import PaymentWorkflow
from workflows.reconciliation_schedule import reconcile_now


async def _reconcile(client: Client, settings: Settings, **scope: object) -> ReconcileReport:
    base = {"task_queue": settings.task_queue, "settle_seconds": 0}
    req = ReconcileInput.model_validate({**base, **scope})
    return await reconcile_now(client, settings, req)


async def _attention(client: Client, report: ReconcileReport) -> str | None:
    desc = await client.get_workflow_handle(report.run_id.split("/")[0]).describe()
    return desc.typed_search_attributes.get(sa.PAYMENT_ATTENTION)


@contextmanager
def _tampered_capture(db: Path, payment_id: str, delta: int) -> Iterator[None]:
    """Change a capture's amount behind the system's back, and put it back afterwards."""
    sql = "UPDATE transfers SET amount = amount + ? WHERE payment_id = ? AND operation = 'capture'"
    with closing(sqlite3.connect(db, timeout=10)) as conn, conn:
        assert conn.execute(sql, (delta, payment_id)).rowcount == 1
    try:
        yield
    finally:
        with closing(sqlite3.connect(db, timeout=10)) as conn, conn:
            conn.execute(sql, (-delta, payment_id))


async def test_clean_run_reports_nothing(client: Client, settings: Settings, worker: None) -> None:
    auto = await pay(client, settings, amount=1500)
    manual = await pay(client, settings, amount=5000, capture=CaptureMethod.MANUAL)
    await ops.capture(client, manual.payment_id, 3000)
    await ops.refund(client, manual.payment_id, RefundRequest(refund_id="re_rec1", amount=1000))
    canceled = await pay(client, settings, amount=700, capture=CaptureMethod.MANUAL)
    await ops.cancel(client, canceled.payment_id)
    declined = await pay(client, settings, card="decline")
    assert declined.status.value == "failed" and auto.status.value == "captured"

    report = await _reconcile(client, settings)

    assert report.payments_checked == 4
    assert report.findings == []
    assert await _attention(client, report) == "clean"
    latest = await (await open_findings(settings.database())).latest()
    assert latest is not None and latest.run_id == report.run_id


async def test_ledger_changed_behind_our_back_is_reported(
    client: Client, settings: Settings, worker: None
) -> None:
    view = await pay(client, settings, amount=2500)
    with _tampered_capture(settings.run_dir / "simulator.db", view.payment_id, -100):
        report = await _reconcile(client, settings)

    mismatches = [f for f in report.findings if f.kind is FindingKind.MISMATCH]
    assert [f.payment_id for f in mismatches] == [view.payment_id]
    assert "captured 2500 per payment, 2400 per ledger" in mismatches[0].detail
    assert any(f.kind is FindingKind.LEDGER_INVARIANT for f in report.findings)
    assert "mismatch" in (await _attention(client, report) or "")
    latest = await (await open_findings(settings.database())).latest()
    assert latest is not None and view.payment_id in {f.payment_id for f in latest.findings}


async def test_stuck_payment_is_flagged(client: Client, settings: Settings, worker: None) -> None:
    # A payment on a task queue no worker polls never leaves pending.
    stalled = settings.model_copy(update={"task_queue": f"nobody-{uuid.uuid4().hex[:8]}"})
    req = PaymentRequest(
        payment_id=new_payment_id(),
        merchant_id="merchant_test",
        amount=Money(amount=1234, currency=Currency.USD),
        card=await tokenize_card(settings, _raw("visa"), merchant_id="merchant_test"),
    )
    handle = await client.start_workflow(
        PaymentWorkflow.run,
        req,
        id=req.payment_id,
        task_queue=stalled.task_queue,
        search_attributes=ops.initial_search_attributes(req),
    )
    try:
        await asyncio.sleep(2.5)
        report = await _reconcile(
            client, settings, task_queue=stalled.task_queue, stuck_after_seconds=1
        )
    finally:
        await handle.terminate("test done")
    (finding,) = report.findings
    assert (finding.kind, finding.payment_id) == (FindingKind.STUCK, req.payment_id)
    # A new payment publishes no pending status; with no worker to ask, it is "in progress".
    assert finding.detail.startswith(("pending for ", "in_progress for "))
    assert await _attention(client, report) == "stuck"
