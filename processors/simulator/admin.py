"""A small synchronous client for the simulator's admin API: faults, effects, ledger check.

For tests, the demo, chaos and operators; payments go through ``SimulatorProcessor``.
"""

from __future__ import annotations

from typing import Any

import httpx

from processors.simulator import wire


class SimulatorAdmin:
    """Switch faults and read the ledger of one simulator."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        """Point at the simulator's base URL."""
        self.url = url
        self._timeout = timeout

    def _req(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        resp = httpx.request(
            method, f"{self.url}{path}", json=body, params=params, timeout=self._timeout
        )
        resp.raise_for_status()
        return resp.json()

    def healthy(self) -> bool:
        """True once the simulator answers its health check."""
        try:
            return httpx.get(f"{self.url}{wire.HEALTH}", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def faults(self, **config: Any) -> Any:
        """Switch faults on; ``faults()`` with no arguments resets them."""
        if not config:
            return self._req("DELETE", wire.FAULTS)
        return self._req("PUT", wire.FAULTS, config)

    def report(self, payment_id: str | None = None) -> dict[str, Any]:
        """Applied effects and received attempts (of one payment, or all), as the wire has them."""
        params = {"payment_id": payment_id} if payment_id else {}
        return dict(self._req("GET", wire.EFFECTS, **params))

    def effects(self, payment_id: str) -> list[dict[str, Any]]:
        """Effects the ledger applied for one payment, in order."""
        return list(self.report(payment_id)["effects"])

    def attempts(self, payment_id: str) -> list[dict[str, Any]]:
        """Requests received for one payment, counted per step."""
        return list(self.report(payment_id)["attempts"])

    def ledger_check(self) -> dict[str, Any]:
        """Ledger invariants and per-merchant totals."""
        return dict(self._req("GET", wire.LEDGER_CHECK))

    def expire_holds(self) -> int:
        """Expire every overdue hold now; how many were released."""
        return int(self._req("POST", wire.EXPIRE_HOLDS)["expired"])
