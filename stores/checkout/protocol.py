"""``SessionRows``: what a backend of the checkout session store does, and the row it returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One hosted payment page session as stored; times in microseconds since the epoch."""

    id: str
    merchant_id: str
    payment_id: str
    amount: int
    currency: str
    description: str | None
    success_url: str
    cancel_url: str
    locale: str | None
    csrf_token: str
    created_us: int
    expires_us: int
    started_us: int | None = None
    completed_us: int | None = None
    submits: int = 0

    def __repr__(self) -> str:
        # The id is the page's bearer token and the CSRF token a secret of the form.
        return f"SessionRow(merchant_id={self.merchant_id!r}, payment_id={self.payment_id!r})"


class SessionRows(Protocol):
    """Checkout sessions; the merchant's reads name the merchant, the page's only the token."""

    async def insert(self, row: SessionRow) -> None:
        """Store a session unless its id exists (ids derive from the idempotency key)."""
        ...

    async def get(self, session_id: str) -> SessionRow | None:
        """The session, whoever's it is (the page's reads: the id is the bearer token)."""
        ...

    async def get_for(self, merchant_id: str, session_id: str) -> SessionRow | None:
        """The merchant's session; another merchant's is None, like an unknown id."""
        ...

    async def count_submit(self, session_id: str) -> int:
        """Count one card submitted on the page; the new count (0: no such session)."""
        ...

    async def start(self, session_id: str, at_us: int) -> None:
        """Mark the session's payment started (once: the first time is kept)."""
        ...

    async def complete(self, session_id: str, at_us: int) -> None:
        """Mark the session paid (once: the first time is kept)."""
        ...
