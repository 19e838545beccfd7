"""Read-only views of the ledger used by tests, demos and reconciliation."""

import sqlite3

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Base for report bodies."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class MerchantTotals(Frozen):
    """Money a merchant received and returned in one currency."""

    merchant_id: str
    currency: str
    credited: int
    captured: int
    refunded: int


class OpenHold(Frozen):
    """A hold still reserving funds."""

    id: str
    payment_id: str
    amount: int
    expires_at: str


class LedgerCheck(Frozen):
    """Ledger invariants and summaries."""

    balanced: bool
    negative_accounts: list[str]
    merchants: list[MerchantTotals]
    open_holds: list[OpenHold]


class Effect(Frozen):
    """One effect actually applied to the ledger."""

    payment_id: str | None
    step: str | None
    operation: str
    amount: int
    idempotency_key: str | None
    created_at: str


class Attempts(Frozen):
    """Requests received for one payment step."""

    payment_id: str | None
    step: str | None
    count: int


class Effects(Frozen):
    """Applied effects next to received attempts."""

    effects: list[Effect]
    attempts: list[Attempts]


_UNBALANCED = """
SELECT currency FROM accounts GROUP BY currency
HAVING SUM(credits_posted - debits_posted) <> 0 OR SUM(credits_pending - debits_pending) <> 0
"""
_NEGATIVE = """
SELECT id FROM accounts
WHERE must_not_overdraw = 1 AND credits_posted - debits_posted - debits_pending < 0 ORDER BY id
"""
_MERCHANTS = """
SELECT a.owner AS merchant_id, a.currency, a.credits_posted - a.debits_posted AS credited,
  (SELECT COALESCE(SUM(amount), 0) FROM transfers
   WHERE operation = 'capture' AND credit_account = a.id) AS captured,
  (SELECT COALESCE(SUM(amount), 0) FROM transfers
   WHERE operation = 'refund' AND debit_account = a.id) AS refunded
FROM accounts a WHERE a.kind = 'merchant' ORDER BY a.id
"""
_OPEN = """
SELECT id, payment_id, amount, expires_at FROM holds WHERE state = 'pending' ORDER BY expires_at
"""
# Transfers carry authorize/capture/refund; voids and expiries only exist as resolutions.
_EFFECTS = """
SELECT * FROM (
  SELECT payment_id, step, operation, amount, idempotency_key, created_at FROM transfers
  WHERE operation <> 'fund'
  UNION ALL
  SELECT h.payment_id, r.step, CASE r.kind WHEN 'voided' THEN 'void' ELSE 'expire' END,
         r.amount, NULLIF(r.idempotency_key, ''), r.created_at
  FROM hold_resolutions r JOIN holds h ON h.id = r.hold_id WHERE r.kind <> 'captured'
) WHERE ? IS NULL OR payment_id = ? ORDER BY created_at
"""
_ATTEMPTS = """
SELECT payment_id, step, COUNT(*) AS count FROM request_log
WHERE ? IS NULL OR payment_id = ? GROUP BY payment_id, step ORDER BY MIN(id)
"""


def _rows(
    conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()
) -> list[dict[str, object]]:
    return [dict(row) for row in conn.execute(sql, params).fetchall()]


def ledger_check(conn: sqlite3.Connection) -> LedgerCheck:
    """Check the ledger's invariants and summarize merchants and open holds."""
    return LedgerCheck(
        balanced=not conn.execute(_UNBALANCED).fetchall(),
        negative_accounts=[row[0] for row in conn.execute(_NEGATIVE).fetchall()],
        merchants=[MerchantTotals.model_validate(r) for r in _rows(conn, _MERCHANTS)],
        open_holds=[OpenHold.model_validate(r) for r in _rows(conn, _OPEN)],
    )


def effects(conn: sqlite3.Connection, payment_id: str | None) -> Effects:
    """List the effects actually applied and the attempts received, per payment step."""
    params = (payment_id, payment_id)
    return Effects(
        effects=[Effect.model_validate(r) for r in _rows(conn, _EFFECTS, params)],
        attempts=[Attempts.model_validate(r) for r in _rows(conn, _ATTEMPTS, params)],
    )
