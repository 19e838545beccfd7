"""Request and response models of ``/v1/checkout_sessions``: frozen, strict, unknown fields
refused."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from api import stated
from api.schemas import ApiCurrency, Strict
from payments.money import Amount
from stores.checkout import SessionStatus

Locale = Literal["en", "zh"]


class CreateCheckoutSession(Strict):
    """``POST /v1/checkout_sessions``: what the customer pays, and where they go afterwards."""

    amount: Amount
    currency: ApiCurrency
    description: stated.Text | None = None
    """Shown to the customer on the page."""
    success_url: stated.WebhookUrl
    """Where the customer lands once paid (an http(s) URL); ``session_id`` is added to it."""
    cancel_url: stated.WebhookUrl
    """Where the page's cancel link goes (an http(s) URL)."""
    locale: Locale | None = None
    """The page's language; unset: the customer's browser chooses (``Accept-Language``)."""


class CheckoutSessionOut(Strict):
    """A hosted payment page: send the customer to ``url`` (until ``expires_at``)."""

    id: str
    object: Literal["checkout_session"] = "checkout_session"
    url: str
    """The page; its id is the session's unguessable token, so treat the URL as a secret."""
    expires_at: datetime
    status: SessionStatus
    amount: int
    currency: str
    description: str | None
    success_url: str
    cancel_url: str
    locale: Locale | None
    payment_id: str | None
    """The session's one payment, once the customer submitted a card (null before)."""
    created_at: datetime
