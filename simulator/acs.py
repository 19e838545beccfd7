"""The access control server: 3-D Secure authentications, their challenges and their results.

A card whose profile asks for 3-D Secure is authorized only with an authentication of the same
payment, merchant and card that succeeded; the customer's answer is recorded here, and the
payment's side learns it by asking here, never from the browser.
"""

import sqlite3
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import Field, StrictInt

from simulator import cards
from simulator.db import iso
from simulator.errors import ErrorCode, ErrorType, SimError, decline
from simulator.holds import OpContext, check_card
from simulator.ledger import new_id
from simulator.models import Amount, AuthorizeIn, Card, Currency, Frozen, Label, MerchantId

MAX_EXPIRY_SECONDS = 86400


class AuthenticateIn(Frozen):
    """Start 3-D Secure for a card on one payment."""

    card: Card
    amount: Amount
    currency: Currency
    merchant_id: MerchantId
    payment_id: Label
    step: Label
    return_url: Annotated[str, Field(max_length=2000, pattern=r"^https?://")] | None = None
    expires_in_seconds: Annotated[StrictInt, Field(ge=1, le=MAX_EXPIRY_SECONDS)] = 900


class AuthenticationOut(Frozen):
    """An authentication; ``challenge_url`` while a challenge is open."""

    id: str
    state: str
    payment_id: str
    merchant_id: str
    challenge_url: str | None
    expires_at: str


def _missing() -> SimError:
    return SimError(404, ErrorType.INVALID_REQUEST_ERROR, ErrorCode.AUTHENTICATION_NOT_FOUND,
                    "No such authentication.")  # fmt: skip


def start(
    conn: sqlite3.Connection, salt: bytes, req: AuthenticateIn, ctx: OpContext, base_url: str
) -> AuthenticationOut:
    """Frictionless cards are authenticated at once; the others get a challenge."""
    checked = check_card(req.card, req.currency, ctx.now)
    flow = checked.profile.three_ds or cards.ThreeDS.FRICTIONLESS
    state = "authenticated" if flow is cards.ThreeDS.FRICTIONLESS else "challenge"
    auth_id = new_id("acs")
    expires = iso(ctx.now + timedelta(seconds=req.expires_in_seconds))
    conn.execute(
        "INSERT INTO authentications (id, payment_id, merchant_id, fingerprint, amount, currency,"
        " flow, state, return_url, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (auth_id, req.payment_id, req.merchant_id, cards.fingerprint(salt, checked.number),
         req.amount, req.currency, flow.value, state, req.return_url, iso(ctx.now), expires),
    )  # fmt: skip
    return out(load(conn, auth_id, ctx.now), base_url)


def load(conn: sqlite3.Connection, auth_id: str, now: datetime) -> sqlite3.Row:
    """The authentication, expired first if its challenge is overdue; 404 if unknown."""
    conn.execute(
        "UPDATE authentications SET state = 'expired', decided_at = ? "
        "WHERE id = ? AND state = 'challenge' AND expires_at <= ?",
        (iso(now), auth_id, iso(now)),
    )
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM authentications WHERE id = ?", (auth_id,)
    ).fetchone()
    if row is None:
        raise _missing()
    return row


def out(row: sqlite3.Row, base_url: str) -> AuthenticationOut:
    """The public view of an authentication."""
    url = f"{base_url.rstrip('/')}/acs/{row['id']}" if row["state"] == "challenge" else None
    return AuthenticationOut(
        id=row["id"], state=row["state"], payment_id=row["payment_id"],
        merchant_id=row["merchant_id"], challenge_url=url, expires_at=row["expires_at"],
    )  # fmt: skip


def answer(conn: sqlite3.Connection, auth_id: str, approve: bool, now: datetime) -> sqlite3.Row:
    """Record the customer's answer once; a failing card's challenge fails whatever it is."""
    row = load(conn, auth_id, now)
    if row["state"] == "challenge":
        ok = approve and row["flow"] != cards.ThreeDS.CHALLENGE_FAILS.value
        conn.execute(
            "UPDATE authentications SET state = ?, decided_at = ? WHERE id = ?",
            ("authenticated" if ok else "failed", iso(now), auth_id),
        )
    return load(conn, auth_id, now)


def require_authenticated(conn: sqlite3.Connection, salt: bytes, req: AuthorizeIn) -> None:
    """Decline ``authentication_required`` unless a 3-D Secure card was authenticated for this
    very payment, merchant and card."""
    if cards.profile_for(req.card.number).three_ds is None:
        return
    row = None
    if req.authentication_id is not None:
        row = conn.execute(
            "SELECT 1 FROM authentications WHERE id = ? AND state = 'authenticated' AND"
            " payment_id = ? AND merchant_id = ? AND fingerprint = ?",
            (req.authentication_id, req.payment_id, req.merchant_id,
             cards.fingerprint(salt, req.card.number)),
        ).fetchone()  # fmt: skip
    if row is None:
        raise decline(cards.DeclineCode.AUTHENTICATION_REQUIRED)
