"""Where reconciliation findings are kept for operators: SQLite in the run folder, or PostgreSQL.

Temporal holds the summary (the ``PaymentAttention`` search attribute on each reconciliation
run); these tables hold the details the CLI lists, one row per finding, per run.
"""

from __future__ import annotations

import asyncio

from payments.reconcile import Finding, FindingKind, ReconcileReport
from stores import migrate
from stores.database import Database
from stores.finding_rows import FindingRows, PostgresFindingRows, RunRow, SqliteFindingRows


class FindingStore:
    """Reports in, latest findings out; safe for several workers on either backend."""

    def __init__(self, rows: FindingRows) -> None:
        """A store on ``rows`` (see ``open_findings``)."""
        self._rows = rows

    async def save(self, report: ReconcileReport) -> None:
        """Store one run (again: a retried activity replaces its own rows)."""
        rows = [
            (f.kind.value, f.payment_id, f.merchant_id, f.processor, f.detail)
            for f in report.findings
        ]
        await self._rows.replace_run(
            RunRow(report.run_id, report.at, report.payments_checked), rows
        )

    async def latest(self) -> ReconcileReport | None:
        """The most recent run with its findings, or None before the first run."""
        found = await self._rows.latest()
        if found is None:
            return None
        run, rows = found
        findings = [
            Finding(kind=FindingKind(k), payment_id=p, merchant_id=m, processor=pr, detail=d)
            for k, p, m, pr, d in rows
        ]
        return ReconcileReport(
            run_id=run.run_id, at=run.at, payments_checked=run.payments_checked, findings=findings
        )


def findings_on(db: Database) -> FindingStore:
    """The store in ``db`` as its schema is (callers that applied the migrations already)."""
    if db.url is not None:
        return FindingStore(PostgresFindingRows(db.url))
    return FindingStore(SqliteFindingRows(db.sqlite_file("findings")))


async def open_findings(db: Database) -> FindingStore:
    """The store in ``db``, after applying its pending migrations (in a thread)."""
    await asyncio.to_thread(migrate.apply, db, "findings")
    return findings_on(db)
