"""``IndexRows``: what a backend of the payment index does, and the rows it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Position = tuple[int, str]
"""``(created_us, payment_id)`` of the last payment a page showed."""


@dataclass(frozen=True, slots=True)
class Latest:
    """The latest view of a payment the API knew (the read model), as the store keeps it.

    ``version`` only grows; ``final`` once the view is a closed workflow's result (it can never
    change again). ``view`` is the view's JSON, as the reader wrote it (no card number or CVC).
    """

    status: str
    version: int
    final: bool
    view: str


@dataclass(frozen=True, slots=True)
class Indexed:
    """One payment as the API created it, and its latest known view (None: not yet known)."""

    payment_id: str
    created_us: int
    amount: int
    currency: str
    latest: Latest | None = None

    @property
    def created_at(self) -> datetime:
        """Exact (integer microseconds), so the list and the workflow show the same instant."""
        return EPOCH + timedelta(microseconds=self.created_us)


def latest_of(status: object, version: object, final: object, view: object) -> Latest | None:
    """A row's read-model columns as ``Latest`` (None while no view was kept)."""
    if status is None or version is None or view is None:
        return None
    return Latest(str(status), int(str(version)), bool(final), str(view))


def indexed(
    payment_id: object, created_us: object, amount: object, currency: object, *latest: object
) -> Indexed:
    """A selected row (``payment_id, created_us, amount, currency`` and the read model)."""
    return Indexed(
        str(payment_id), int(str(created_us)), int(str(amount)), str(currency), latest_of(*latest)
    )


class IndexRows(Protocol):
    """One row per (merchant, payment), ordered by ``(created_us, payment_id)`` bytewise."""

    async def accept(self, merchant_id: str, row: Indexed) -> int:
        """Insert ``row`` unless the payment has one; return the stored ``created_us``."""
        ...

    async def older(self, merchant_id: str, before: Position, count: int) -> list[Indexed]:
        """Up to ``count`` rows strictly before ``before`` in the order, newest first."""
        ...

    async def keep(self, merchant_id: str, payment_id: str, latest: Latest) -> bool:
        """Store ``latest`` on the payment's row unless it holds the same or a newer version.

        The version rule is in the UPDATE's WHERE, so concurrent writers never go backwards.
        Returns True if stored (False: an equal or newer one is there, or no such row).
        """
        ...

    async def latest(self, payment_id: str) -> tuple[str, Latest | None] | None:
        """The payment's merchant and latest view (None: not known yet); None: no such row."""
        ...
