"""Where reconciliation runs and findings live, behind ``FindingRows``.

Append-only on both backends: a save inserts a run and its findings; the only removal is a
retried save replacing its own run's rows, in the same transaction as the new ones. On
PostgreSQL a trigger also refuses every UPDATE (``findings_0001_runs.sql``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from infra.sqlite_local import ThreadLocalConnections
from stores import pg

FindingRow = tuple[str, str | None, str | None, str | None, str]
"""kind, payment_id, merchant_id, processor, detail."""


@dataclass(frozen=True, slots=True)
class RunRow:
    """One reconciliation run."""

    run_id: str
    at: datetime
    payments_checked: int


class FindingRows(Protocol):
    """Storage of runs and their findings."""

    async def replace_run(self, run: RunRow, findings: Sequence[FindingRow]) -> None:
        """Store ``run`` with ``findings``, replacing only that run's earlier rows, atomically."""
        ...

    async def latest(self) -> tuple[RunRow, list[FindingRow]] | None:
        """The most recent run (by ``at``) and its findings in saved order."""
        ...


class SqliteFindingRows:
    """Rows in the findings SQLite file (WAL), the sync sqlite3 calls run in a thread."""

    def __init__(self, path: Path) -> None:
        """Rows in ``path`` (migrated by ``stores.migrate``)."""
        self._conn = ThreadLocalConnections(path).get

    async def replace_run(self, run: RunRow, findings: Sequence[FindingRow]) -> None:
        """See ``FindingRows.replace_run``."""
        await asyncio.to_thread(self._replace, run, findings)

    async def latest(self) -> tuple[RunRow, list[FindingRow]] | None:
        """See ``FindingRows.latest``."""
        return await asyncio.to_thread(self._latest)

    def _replace(self, run: RunRow, findings: Sequence[FindingRow]) -> None:
        with self._conn() as conn:
            conn.execute("DELETE FROM findings WHERE run_id = ?", (run.run_id,))
            conn.execute("DELETE FROM runs WHERE run_id = ?", (run.run_id,))
            conn.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?)",
                (run.run_id, run.at.isoformat(), run.payments_checked, len(findings)),
            )
            conn.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?)",
                [(run.run_id, *f) for f in findings],
            )

    def _latest(self) -> tuple[RunRow, list[FindingRow]] | None:
        conn = self._conn()
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
        return RunRow(run[0], datetime.fromisoformat(run[1]), run[2]), [tuple(r) for r in rows]


class PostgresFindingRows:
    """Rows in PostgreSQL (``reconcile_runs``, ``reconcile_findings``), through the pool."""

    def __init__(self, url: str) -> None:
        """Rows in the database at ``url`` (migrated by ``stores.migrate``)."""
        self._url = url

    async def replace_run(self, run: RunRow, findings: Sequence[FindingRow]) -> None:
        """See ``FindingRows.replace_run``."""
        async with pg.connect(self._url) as conn, conn.transaction():
            await conn.execute("DELETE FROM reconcile_findings WHERE run_id = %s", (run.run_id,))
            await conn.execute("DELETE FROM reconcile_runs WHERE run_id = %s", (run.run_id,))
            await conn.execute(
                "INSERT INTO reconcile_runs VALUES (%s, %s, %s, %s)",
                (run.run_id, run.at, run.payments_checked, len(findings)),
            )
            async with conn.cursor() as cursor:
                await cursor.executemany(
                    "INSERT INTO reconcile_findings"
                    " (run_id, kind, payment_id, merchant_id, processor, detail)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    [(run.run_id, *f) for f in findings],
                )

    async def latest(self) -> tuple[RunRow, list[FindingRow]] | None:
        """See ``FindingRows.latest``."""
        async with pg.connect(self._url) as conn:
            cursor = await conn.execute(
                "SELECT run_id, at, payments_checked FROM reconcile_runs ORDER BY at DESC LIMIT 1"
            )
            run = await cursor.fetchone()
            if run is None:
                return None
            cursor = await conn.execute(
                "SELECT kind, payment_id, merchant_id, processor, detail FROM reconcile_findings"
                " WHERE run_id = %s ORDER BY seq",
                (run[0],),
            )
            rows = await cursor.fetchall()
        return RunRow(run[0], run[1], run[2]), [tuple(r) for r in rows]
