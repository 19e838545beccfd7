"""Faults switched on through ``POST /__double/faults`` for the next ``count`` requests.

Modes (``Stripe-Should-Retry`` as the SDK expects it, see stripe/_http_client.py):

- ``429``: rate limited before executing (``rate_limit``), ``Retry-After`` if given.
- ``500``: ``api_error`` before executing; nothing saved for the key; should retry.
- ``timeout``: no answer for ``seconds``, then the connection is dropped; no effect.
- ``reset``: the connection is reset (TCP RST) at once; no effect.
- ``slow``: the request waits ``seconds`` with its key in flight, then executes normally.
- ``apply_then_500``: executes, then 500 is answered and saved for the key (replays give
  the same 500, as Stripe documents); ``Stripe-Should-Retry: false``.
- ``apply_then_timeout``: executes and saves the answer, sends it ``seconds`` late.
- ``apply_then_reset``: executes and saves the answer, then resets the connection.

``routes`` limits a fault to routes by name (``payment_intents.create``, ``refunds.create``,
...); ``count`` -1 means until cleared by ``DELETE /__double/faults``.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Mode = Literal[
    "429",
    "500",
    "timeout",
    "reset",
    "slow",
    "apply_then_500",
    "apply_then_timeout",
    "apply_then_reset",
]


class Fault(BaseModel):
    """One fault switch, as posted to the admin endpoint."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode
    count: int = Field(default=1, ge=-1)
    seconds: float = Field(default=30.0, ge=0, le=600)
    retry_after: int | None = Field(default=None, ge=0)
    routes: frozenset[str] | None = None


class Faults:
    """The armed faults, shared by the server's requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[list[Any]] = []  # [fault, remaining]

    def arm(self, fault: Fault) -> None:
        """Add ``fault``, applied before any armed later."""
        with self._lock:
            self._armed.append([fault, fault.count])

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._armed.clear()

    def take(self, route: str) -> Fault | None:
        """The fault for this request to ``route``, counting it down."""
        with self._lock:
            for slot in self._armed:
                fault, left = slot
                if left != 0 and (fault.routes is None or route in fault.routes):
                    slot[1] = left - 1 if left > 0 else left
                    return fault  # type: ignore[no-any-return]
            return None

    def armed(self) -> list[dict[str, Any]]:
        """What is armed now, for the admin endpoint."""
        with self._lock:
            return [{**f.model_dump(mode="json"), "remaining": n} for f, n in self._armed]
