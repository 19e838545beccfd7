"""Creating and showing checkout sessions: ids, URLs, expiry, and the payment behind one."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import cast

from api.checkout.schemas import CheckoutSessionOut, CreateCheckoutSession, Locale
from api.deps import AppState
from api.errors import InvalidRequest
from api.temporal import derived_id
from payments.cards import reject_card_like
from payments.webhook_urls import TargetRefused, check_url
from stores.checkout import SessionRow, SessionStatus, at_us, status_of, time_of

PAGE_PATH = "/checkout/"


def check(body: CreateCheckoutSession) -> None:
    """The rules the schema cannot state, before the key is claimed.

    The URLs are the customer's browser's next stop, never fetched by us, so private hosts are
    allowed (a shop on localhost while developing), as for a payment's ``return_url``.

    Raises:
        InvalidRequest: A URL is refused (the message says why, without repeating it), or the
            description holds a card-like number.
    """
    reject_card_like(body.description, param="description")
    for param in ("success_url", "cancel_url"):
        try:
            check_url(getattr(body, param), allow_private=True)
        except TargetRefused as refused:
            raise InvalidRequest(str(refused), code="parameter_invalid", param=param) from None


def session_id(secret: bytes, merchant: str, key: str) -> str:
    """An id that only the API can compute: a retried create finds the same session, and
    nobody can guess another's page from its own (160 bits of HMAC-SHA256)."""
    message = "\x00".join(("checkout_session", merchant, key)).encode()
    return "cs_" + hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def payment_id_of(merchant: str, session: str) -> str:
    """The session's one payment. A merchant's Idempotency-Key is printable ASCII, so the NUL
    before ``checkout`` keeps these ids apart from every ``POST /v1/payments`` id."""
    return derived_id("pay", merchant, session, "checkout")


def new_row(
    state: AppState, merchant: str, key: str, body: CreateCheckoutSession, now: datetime
) -> SessionRow:
    """The session a create stores (a retry with the same key computes the same id)."""
    sid = session_id(state.secret, merchant, key)
    hours = state.settings.checkout_session_hours
    return SessionRow(
        id=sid, merchant_id=merchant, payment_id=payment_id_of(merchant, sid),
        amount=body.amount, currency=body.currency.value, description=body.description,
        success_url=body.success_url, cancel_url=body.cancel_url, locale=body.locale,
        csrf_token=secrets.token_urlsafe(24), created_us=at_us(now),
        expires_us=at_us(now + timedelta(hours=hours)),
    )  # fmt: skip


def page_url(base_url: str, session: str) -> str:
    """The hosted page of ``session`` on this API."""
    return base_url.rstrip("/") + PAGE_PATH + session


def session_out(row: SessionRow, base_url: str) -> CheckoutSessionOut:
    """The API's session object, as it stands now."""
    return CheckoutSessionOut(
        id=row.id, url=page_url(base_url, row.id), expires_at=time_of(row.expires_us),
        status=status_of(row, datetime.now(UTC)), amount=row.amount, currency=row.currency,
        description=row.description, success_url=row.success_url, cancel_url=row.cancel_url,
        locale=cast(Locale | None, row.locale),
        payment_id=row.payment_id if row.started_us is not None else None,
        created_at=time_of(row.created_us),
    )  # fmt: skip


def is_open(row: SessionRow) -> bool:
    """The page still takes a card."""
    return status_of(row, datetime.now(UTC)) is SessionStatus.OPEN
