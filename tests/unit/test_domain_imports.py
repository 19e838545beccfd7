"""The domain the unit tier tests loads no I/O library and no Temporal client or worker."""

from __future__ import annotations

import subprocess
import sys

DOMAIN = [
    "payments.activity_io",
    "payments.cards",
    "payments.errors",
    "payments.ids",
    "payments.models",
    "payments.money",
    "payments.public",
    "payments.reconcile",
    "payments.state",
    "payments.status",
    "payments.webhooks",
]
FORBIDDEN = {"aiohttp", "httpx", "fastapi", "sqlite3"}
FORBIDDEN_TEMPORAL = {"temporalio.client", "temporalio.worker", "temporalio.runtime"}


def test_domain_modules_import_no_plumbing() -> None:
    # A fresh interpreter: this test process has already imported everything.
    code = f"import sys\nfor m in {DOMAIN!r}: __import__(m)\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(out.stdout.split())
    assert "payments.state" in loaded
    assert not {m for m in loaded if m.split(".")[0] in FORBIDDEN}
    assert not loaded & FORBIDDEN_TEMPORAL
