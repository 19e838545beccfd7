"""Where reconciliation findings are kept for operators: a small SQLite file in the run folder.

Temporal holds the summary (the ``PaymentAttention`` search attribute on each reconciliation
run); this table holds the details the CLI lists, one row per finding, per run.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from payments.reconcile import Finding, FindingKind, ReconcileReport

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY, at TEXT NOT NULL, payments_checked INTEGER NOT NULL,
  findings INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS findings (
  run_id TEXT NOT NULL REFERENCES runs(run_id), kind TEXT NOT NULL, payment_id TEXT,
  merchant_id TEXT, processor TEXT, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS findings_run ON findings(run_id);
"""


class FindingStore:
    """Reports in, latest findings out; safe for several workers (SQLite locking, WAL)."""

    def __init__(self, path: Path) -> None:
        """Create the file and its tables if needed."""
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn, conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=10)
        conn.execute("PRAGMA journal_mode=wal")
        return conn

    def save(self, report: ReconcileReport) -> None:
        """Store one run (again: a retried activity replaces its own rows)."""
        rows = [
            (report.run_id, f.kind.value, f.payment_id, f.merchant_id, f.processor, f.detail)
            for f in report.findings
        ]
        with closing(self._connect()) as conn, conn:
            conn.execute("DELETE FROM findings WHERE run_id = ?", (report.run_id,))
            conn.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)",
                (report.run_id, report.at.isoformat(), report.payments_checked, len(rows)),
            )
            conn.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?)", rows)

    def latest(self) -> ReconcileReport | None:
        """The most recent run with its findings, or None before the first run."""
        with closing(self._connect()) as conn:
            run = conn.execute(
                "SELECT run_id, at, payments_checked FROM runs ORDER BY at DESC LIMIT 1"
            ).fetchone()
            if run is None:
                return None
            rows = conn.execute(
                "SELECT kind, payment_id, merchant_id, processor, detail FROM findings"
                " WHERE run_id = ? ORDER BY rowid",
                (run[0],),
            ).fetchall()
        findings = [
            Finding(kind=FindingKind(k), payment_id=p, merchant_id=m, processor=pr, detail=d)
            for k, p, m, pr, d in rows
        ]
        return ReconcileReport(
            run_id=run[0],
            at=datetime.fromisoformat(run[1]),
            payments_checked=run[2],
            findings=findings,
        )
