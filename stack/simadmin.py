"""A small client for the simulator's admin endpoints: faults and ledger reports."""

from __future__ import annotations

from typing import Any

import httpx


class SimulatorAdmin:
    """Switch faults and read the ledger of one simulator."""

    def __init__(self, url: str) -> None:
        """Point at the simulator's base URL."""
        self.url = url

    def _req(self, method: str, path: str, body: Any = None) -> Any:
        resp = httpx.request(method, f"{self.url}{path}", json=body, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def faults(self, **config: Any) -> Any:
        """Switch faults on; ``faults()`` with no arguments resets them."""
        if not config:
            return self._req("DELETE", "/v1/admin/faults")
        return self._req("PUT", "/v1/admin/faults", config)

    def effects(self, payment_id: str) -> list[dict[str, Any]]:
        """Effects the ledger applied for one payment, in order."""
        return list(self._req("GET", f"/v1/admin/effects?payment_id={payment_id}")["effects"])

    def attempts(self, payment_id: str) -> list[dict[str, Any]]:
        """Requests received for one payment, counted per step."""
        return list(self._req("GET", f"/v1/admin/effects?payment_id={payment_id}")["attempts"])

    def ledger_check(self) -> dict[str, Any]:
        """Ledger invariants and per-merchant totals."""
        return dict(self._req("GET", "/v1/admin/ledger/check"))
