"""Reconciliation findings on both backends: append-only runs, a retry replaces its own rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from payments.reconcile import Finding, FindingKind, ReconcileReport
from stores.database import Database
from stores.findings import open_findings
from tests.stores.conftest import raw

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _report(run_id: str, at: datetime, *details: str) -> ReconcileReport:
    findings = [
        Finding(kind=FindingKind.MISMATCH, payment_id=f"pay_{i}", merchant_id="m_a",
                processor="primary", detail=d)
        for i, d in enumerate(details)
    ]  # fmt: skip
    return ReconcileReport(run_id=run_id, at=at, payments_checked=7, findings=findings)


async def test_the_latest_run_comes_back_with_its_findings_in_order(db: Database) -> None:
    store = await open_findings(db)
    assert await store.latest() is None
    await store.save(_report("run-2", T0 + timedelta(minutes=5), "b1", "b2", "b3"))
    await store.save(_report("run-1", T0, "a1"))
    latest = await store.latest()
    assert (
        latest is not None and latest.run_id == "run-2" and latest.at == T0 + timedelta(minutes=5)
    )
    assert [f.detail for f in latest.findings] == ["b1", "b2", "b3"]
    assert latest.payments_checked == 7 and latest.findings[0].kind is FindingKind.MISMATCH


async def test_a_retried_save_replaces_only_its_own_run(db: Database) -> None:
    store = await open_findings(db)
    await store.save(_report("run-1", T0, "a1", "a2"))
    await store.save(_report("run-2", T0 + timedelta(minutes=5), "b1"))
    await store.save(_report("run-2", T0 + timedelta(minutes=5), "b1", "b2"))  # the retry
    rows = raw(db, "findings", "SELECT run_id, detail FROM {t} ORDER BY run_id, detail")
    assert rows == [("run-1", "a1"), ("run-1", "a2"), ("run-2", "b1"), ("run-2", "b2")]
    assert raw(db, "runs", "SELECT run_id, findings FROM {t} ORDER BY run_id") == [
        ("run-1", 2), ("run-2", 2)
    ]  # fmt: skip


async def test_postgres_refuses_to_update_a_finding(pg_db: Database) -> None:
    # A trigger: a second writer with SQL (an operator, a bug) cannot rewrite history either.
    db = pg_db
    await (await open_findings(db)).save(_report("run-1", T0, "a1"))
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        raw(db, "findings", "UPDATE {t} SET detail = 'nothing to see'")
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        raw(db, "runs", "UPDATE {t} SET payments_checked = 0")
