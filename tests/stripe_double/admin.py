"""A client for the double's admin endpoints (faults and clock), for tests and targets."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx


class DoubleAdmin:
    """The admin side of a running double at ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        answer = httpx.request(method, f"{self.url}/__double/{path}", json=body, timeout=5)
        answer.raise_for_status()
        return answer.json()

    def arm(self, mode: str, count: int = 1, **options: Any) -> None:
        """Arm a fault: ``seconds``, ``retry_after``, ``routes`` as in faults.py."""
        self._call("POST", "faults", {"mode": mode, "count": count, **options})

    def clear(self) -> None:
        """Disarm every fault."""
        self._call("DELETE", "faults")

    def armed(self) -> list[dict[str, Any]]:
        """The faults armed now, with what is left of their counts."""
        return list(self._call("GET", "faults")["armed"])

    def advance(self, seconds: float) -> None:
        """Move the double's clock on (idempotency keys expire after 24 h)."""
        self._call("POST", "clock", {"advance": seconds})

    @contextmanager
    def later(self, seconds: float) -> Iterator[None]:
        """The clock ``seconds`` ahead for the block, then back (the double is shared)."""
        self.advance(seconds)
        try:
            yield
        finally:
            self.advance(-seconds)

    def search_lag(self, seconds: float) -> None:
        """New objects show in search only ``seconds`` later (Stripe's search lags)."""
        self._call("POST", "search_lag", {"seconds": seconds})

    @contextmanager
    def fault(self, mode: str, count: int = -1, **options: Any) -> Iterator[None]:
        """``mode`` armed for the block (every request by default), disarmed after."""
        self.arm(mode, count, **options)
        try:
            yield
        finally:
            self.clear()
