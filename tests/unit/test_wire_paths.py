"""Only the simulator and its adapter know the simulator's wire paths (issue 12's seam).

Everything else reaches the simulator through the ``Processor`` Protocol or, for tests, the
demo, chaos and operators, through ``processors.simulator.admin.SimulatorAdmin``.
"""

from __future__ import annotations

import re
from pathlib import Path

from simulator import admin, routes

ROOT = Path(__file__).resolve().parents[2]
WIRE_PATHS = (
    "/v1/authorizations",  # authorize; /{id} read, /{id}/capture, /{id}/void
    "/v1/refunds",
    "/v1/balance_inquiries",
    "/v1/cards/verify",
    "/v1/requests/",  # inquiry by idempotency key
    "/v1/admin/",  # faults, effects, ledger/check, holds/expire
)
ALLOWED = (
    "simulator/",  # the simulator itself
    "processors/simulator/",  # its adapter and admin client
    "tests/simulator/",  # the simulator's own black-box tests: its wire API is their subject
    "tests/unit/test_wire_paths.py",  # this list
    "tests/stripe_double/",  # Stripe's contract double: Stripe's own /v1/refunds, not ours
)
SKIPPED_DIRS = {".venv", ".run", ".git", "node_modules", "__pycache__"}


def _sources() -> list[Path]:
    return [
        p for p in ROOT.rglob("*.py")
        if not SKIPPED_DIRS & set(p.relative_to(ROOT).parts[:-1])
    ]  # fmt: skip


def test_the_list_covers_every_simulator_route() -> None:
    declared = [route.path for r in (routes.router, admin.router) for route in r.routes]  # type: ignore[attr-defined]
    assert declared, "the simulator declares its routes on these routers"
    uncovered = [p for p in declared if not any(p.startswith(w.rstrip("/")) for w in WIRE_PATHS)]
    assert uncovered == []


def test_no_simulator_wire_path_outside_the_simulator_and_its_adapter() -> None:
    pattern = re.compile("|".join(re.escape(w) for w in WIRE_PATHS))
    found = []
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(ALLOWED):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert found == [], "simulator wire paths outside the adapter:\n" + "\n".join(found)
