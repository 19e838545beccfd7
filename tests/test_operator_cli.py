"""Operator commands of ``starter.py`` against a running worker, simulator and dev server."""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import UTC, datetime

import pytest

from cli.errors import Exit
from infra.settings import Settings
from payments.reconcile import Finding, FindingKind, ReconcileReport
from stores.findings import open_findings
from tests.test_starter_cli import starter

pytestmark = pytest.mark.usefixtures("worker")


async def _pay(settings: Settings, merchant: str, card: str, exit_code: int = 0) -> str:
    done = await starter(settings, "--json", "pay", "--amount", "1200", "--card", card,
                         "--merchant", merchant)  # fmt: skip
    assert done.returncode == exit_code, done.stderr
    return str(json.loads(done.stdout)["payment_id"])


async def test_problems_story_and_report(settings: Settings) -> None:
    merchant = f"m_{uuid.uuid4().hex[:8]}"
    good = await _pay(settings, merchant, "visa")
    bad = await _pay(settings, merchant, "decline", Exit.DECLINED)

    done = await starter(settings, "--json", "problems", "--merchant", merchant, "--since", "1h")
    rows = json.loads(done.stdout)
    assert [(r["problem"], r["payment_id"], r["detail"]) for r in rows] == [
        ("failed", bad, "generic_decline")
    ]

    story = (await starter(settings, "story", bad)).stdout
    assert "pending -> failed" in story and "customer   " in story
    assert "authorize on primary: generic_decline" in story and "ledger primary" in story
    assert "captured" in (await starter(settings, "story", good)).stdout

    done = await starter(settings, "--json", "report", "--since", "1h", "--merchant", merchant)
    report = json.loads(done.stdout)
    assert report["payments"] == 2 and report["approval_rate"] == 0.5
    assert report["top_decline_reasons"] == {"generic_decline": 1}
    assert report["by_currency"] == {"USD": 2}

    text = (await starter(settings, "report", "--since", "1h", "--merchant", merchant)).stdout
    assert "2 payments, approval rate 50.0%" in text
    assert re.search(r"^succeeded\s+captured\s+1$", text, re.MULTILINE), text
    assert re.search(r"^generic_decline\s+1$", text, re.MULTILINE), text
    assert "{" not in text and "'" not in text  # no Python dicts


async def test_problems_lists_reconciliation_findings(settings: Settings) -> None:
    merchant = f"m_{uuid.uuid4().hex[:8]}"
    detail = "captured 5 per payment, 4 per ledger"
    finding = Finding(kind=FindingKind.MISMATCH, payment_id="pay_x", merchant_id=merchant,
                      processor="primary", detail=detail)  # fmt: skip
    report = ReconcileReport(
        run_id=f"test-{uuid.uuid4().hex}", at=datetime.now(UTC), payments_checked=1,
        findings=[finding],
    )  # fmt: skip
    await (await open_findings(settings.database())).save(report)
    text = (await starter(settings, "problems", "--merchant", merchant)).stdout
    assert "mismatch" in text and "pay_x" in text and "4 per ledger" in text


async def test_reconcile_now(settings: Settings) -> None:
    await _pay(settings, f"m_{uuid.uuid4().hex[:8]}", "visa")
    done = await starter(settings, "--json", "reconcile")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["run_id"].startswith("reconcile-now-") and report["payments_checked"] >= 1
    latest = await (await open_findings(settings.database())).latest()
    assert latest is not None and latest.run_id == report["run_id"]


async def test_processors_shows_breaker_files(settings: Settings) -> None:
    folder = settings.run_dir / "breakers"
    folder.mkdir(exist_ok=True)
    state = {"pid": os.getpid(), "breakers": {"primary": "open", "secondary": "closed"}}
    (folder / f"worker-{os.getpid()}.json").write_text(json.dumps(state))
    text = (await starter(settings, "processors")).stdout
    assert any(f"{os.getpid()}" in line and "primary" in line and "open" in line
               for line in text.splitlines())  # fmt: skip
