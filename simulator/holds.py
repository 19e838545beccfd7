"""Authorization holds: authorize, capture, void, refund and expiry.

Every function runs inside the caller's BEGIN IMMEDIATE transaction. State rules are
enforced by the schema (the hold_resolutions primary key, the holds CHECKs and the account
CHECKs); Python only translates a violated constraint into the matching API error.
"""

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from simulator import cards
from simulator.cards import DeclineCode
from simulator.db import iso
from simulator.errors import ErrorCode, ErrorType, SimError, UnstoredError, conflict, decline
from simulator.errors import invalid as invalid_request
from simulator.ledger import (
    TransferKind,
    TransferSpec,
    cardholder_account,
    merchant_account,
    new_id,
    release_pending,
    transfer,
)
from simulator.models import AuthorizeIn, AuthorizeOut, Card, HoldOut


@dataclass(frozen=True)
class OpContext:
    """Facts about the attempt being executed."""

    idempotency_key: str
    attempt: int
    now: datetime


@dataclass(frozen=True)
class CheckedCard:
    """A card that passed format checks; ``number`` stays in memory only."""

    number: str
    currency: str
    profile: cards.CardProfile


def check_format(number: str, currency: str) -> None:
    """Raise a 400 for a malformed card number or an unsupported currency."""
    if not cards.is_well_formed(number):
        raise invalid_request(ErrorCode.INVALID_NUMBER, "The card number is not a valid number.")
    if currency not in cards.CURRENCY_EXPONENTS:
        raise invalid_request(ErrorCode.INVALID_CURRENCY, "The currency is not supported.")


def check_card(card: Card, currency: str, now: datetime) -> CheckedCard:
    """Validate number, currency and expiry, and apply the card's scripted decline."""
    check_format(card.number, currency)
    profile = cards.profile_for(card.number)
    if cards.is_expired(card.exp_month, card.exp_year, now.date()):
        raise decline(DeclineCode.EXPIRED_CARD)
    if profile.decline is not None:
        raise decline(profile.decline)
    return CheckedCard(card.number, currency, profile)


def verify_card(card: Card, now: datetime) -> CheckedCard:
    """Check number, expiry and CVC only, as a card-verification step does.

    Issuer declines (stolen, lost, generic, funds) come at authorization, so a merchant sees
    them as a declined payment rather than as a card refused at entry.
    """
    check_format(card.number, "USD")
    profile = cards.profile_for(card.number)
    if cards.is_expired(card.exp_month, card.exp_year, now.date()):
        raise decline(DeclineCode.EXPIRED_CARD)
    if profile.decline is DeclineCode.INCORRECT_CVC:
        raise decline(DeclineCode.INCORRECT_CVC)
    return CheckedCard(card.number, "USD", profile)


def _remember_card(conn: sqlite3.Connection, salt: bytes, checked: CheckedCard) -> str:
    """Store the card's derived data (never the number) and return its fingerprint."""
    fp = cards.fingerprint(salt, checked.number)
    conn.execute(
        "INSERT OR IGNORE INTO cards (fingerprint, last4, brand, funding) VALUES (?, ?, ?, ?)",
        (fp, checked.number[-4:], cards.brand_of(checked.number), checked.profile.funding),
    )
    return fp


def _insert_hold(
    conn: sqlite3.Connection, req: AuthorizeIn, ids: tuple[str, str, str, str], expires_at: str
) -> None:
    """Insert the hold row; ``ids`` are hold, transfer, cardholder and merchant account."""
    conn.execute(
        "INSERT INTO holds (id, transfer_id, cardholder_account, merchant_account, amount,"
        " currency, state, expires_at, payment_id, merchant_id)"
        " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
        (*ids, req.amount, req.currency, expires_at, req.payment_id, req.merchant_id),
    )


def authorize(
    conn: sqlite3.Connection, salt: bytes, req: AuthorizeIn, ctx: OpContext
) -> AuthorizeOut:
    """Place a hold (a pending cardholder -> merchant transfer) for the amount."""
    checked = check_card(req.card, req.currency, ctx.now)
    if ctx.attempt <= checked.profile.transient_failures:
        raise UnstoredError(
            503, ErrorType.API_ERROR, ErrorCode.PROCESSING_ERROR,
            "The issuer could not process the request; nothing was changed. Retry it.",
        )  # fmt: skip
    fp = _remember_card(conn, salt, checked)
    opening = cards.opening_balance(checked.profile, req.currency)
    payer = cardholder_account(conn, fp, req.currency, opening)
    payee = merchant_account(conn, req.merchant_id, req.currency)
    hold_id, transfer_id = new_id("auth"), new_id("pend")
    spec = TransferSpec("authorize", req.payment_id, req.step, ctx.idempotency_key, hold_id)
    try:
        transfer(conn, payer, payee, req.amount, req.currency, spec, TransferKind.PENDING,
                 transfer_id)  # fmt: skip
    except sqlite3.IntegrityError:
        # The must_not_overdraw CHECK refused the hold: the card cannot cover it.
        raise decline(DeclineCode.INSUFFICIENT_FUNDS) from None
    expires_at = iso(ctx.now + timedelta(seconds=req.hold_ttl_seconds))
    _insert_hold(conn, req, (hold_id, transfer_id, payer, payee), expires_at)
    return AuthorizeOut(
        id=hold_id, amount=req.amount, currency=req.currency,
        brand=cards.brand_of(checked.number), last4=checked.number[-4:], expires_at=expires_at,
    )  # fmt: skip


def load_hold(conn: sqlite3.Connection, hold_id: str) -> sqlite3.Row:
    """Return the hold row or raise 404 authorization_not_found."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM holds WHERE id = ?", (hold_id,)
    ).fetchone()
    if row is None:
        raise SimError(
            404, ErrorType.INVALID_REQUEST_ERROR, ErrorCode.AUTHORIZATION_NOT_FOUND,
            "No such authorization.",
        )  # fmt: skip
    return row


def hold_out(row: sqlite3.Row) -> HoldOut:
    """Return the public view of a hold row."""
    fields = ("id", "state", "amount", "currency", "captured_amount", "refunded_amount",
              "expires_at", "payment_id", "merchant_id")  # fmt: skip
    return HoldOut.model_validate({name: row[name] for name in fields})


def resolve(
    conn: sqlite3.Connection, hold: sqlite3.Row, kind: str, amount: int, ctx: OpContext,
    payment_id: str | None = None, step: str | None = None,
) -> None:  # fmt: skip
    """Record the hold's single resolution and release its reservation.

    The hold_resolutions primary key turns a second resolution into an IntegrityError,
    which is reported as the 409 matching the resolution that won.
    """
    try:
        conn.execute(
            "INSERT INTO hold_resolutions (hold_id, kind, amount, payment_id, step,"
            " idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (hold["id"], kind, amount, payment_id, step, ctx.idempotency_key, iso(ctx.now)),
        )
    except sqlite3.IntegrityError:
        raise already_resolved(conn, hold["id"]) from None
    conn.execute("UPDATE holds SET state = ? WHERE id = ?", (kind, hold["id"]))
    release_pending(conn, hold["cardholder_account"], hold["merchant_account"], hold["amount"])


def resolution_kind(conn: sqlite3.Connection, hold_id: str) -> str:
    """Return how a hold was resolved."""
    row = conn.execute("SELECT kind FROM hold_resolutions WHERE hold_id = ?", (hold_id,)).fetchone()
    return str(row[0])


def already_resolved(conn: sqlite3.Connection, hold_id: str) -> SimError:
    """Return the 409 describing a hold that is no longer pending."""
    kind = resolution_kind(conn, hold_id)
    if kind == "captured":
        return conflict(ErrorCode.AUTHORIZATION_ALREADY_CAPTURED, "The authorization was captured.")
    if kind == "voided":
        return conflict(ErrorCode.AUTHORIZATION_VOIDED, "The authorization was voided.")
    return conflict(ErrorCode.AUTHORIZATION_EXPIRED, "The authorization has expired.")


def expire_overdue(conn: sqlite3.Connection, now: datetime, hold_id: str | None = None) -> int:
    """Expire pending holds past their expiry (one hold, or all); return how many."""
    query = "SELECT * FROM holds WHERE state = 'pending' AND expires_at <= ?"
    params: tuple[str, ...] = (iso(now),)
    if hold_id is not None:
        query, params = query + " AND id = ?", (*params, hold_id)
    rows = conn.execute(query, params).fetchall()
    ctx = OpContext(idempotency_key="", attempt=1, now=now)
    for row in rows:
        resolve(conn, row, "expired", row["amount"], ctx)
    return len(rows)
