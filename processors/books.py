"""What a processor reports for reconciliation: effects on its books, its own invariants."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from payments.money import MinorUnits
from processors.models import Frozen


class EffectKind(StrEnum):
    """Money movements a processor records; ``expire`` is a hold that lapsed by itself."""

    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    VOID = "void"
    EXPIRE = "expire"
    REFUND = "refund"


class Effect(Frozen):
    """One effect applied to the processor's books, for reconciliation."""

    operation: EffectKind
    payment_id: str | None
    amount: MinorUnits
    at: datetime
    idempotency_key: str | None = None
    reference: str | None = None
    """The processor's label for the step (e.g. ``refund:re_1``), when it keeps one."""


class MerchantTotals(Frozen):
    """Money one merchant received and returned, in one currency."""

    merchant_id: str
    currency: str
    credited: int
    captured: int
    refunded: int


class LedgerCheck(Frozen):
    """The processor's own invariants (capability ``ledger_check``)."""

    balanced: bool
    negative_accounts: list[str]
    merchants: list[MerchantTotals]
