"""3-D Secure as the workflow sees it: a challenge, its result, and the activities' payloads.

No card number here either: the activities resolve the vault token, as for authorization.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from payments.money import Money

ChallengeId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AuthenticationUrls(_Frozen):
    """Where the customer's browser goes after the challenge.

    ``callback_url`` is the API's page that hands the challenge's id to the workflow (the access
    control server redirects there); ``return_url`` is the merchant's, where that page sends the
    customer last (None: the API shows a small page of its own).
    """

    callback_url: str
    return_url: str | None = None


class AuthenticationState(StrEnum):
    """Where a 3-D Secure authentication stands, as the processor reports it."""

    CHALLENGE = "challenge"
    """The customer must answer a challenge at ``Challenge.url``."""
    AUTHENTICATED = "authenticated"
    FAILED = "failed"
    EXPIRED = "expired"
    UNSUPPORTED = "unsupported"
    """The processor cannot authenticate (no 3-D Secure capability): the payment fails."""


class Challenge(_Frozen):
    """A challenge the customer is asked to answer."""

    challenge_id: str
    url: str
    expires_at: datetime
    return_url: str | None = None
    """The merchant's page the customer returns to (the workflow adds it from the request)."""


class StartAuthenticationInput(_Frozen):
    """Activity input: start 3-D Secure for the payment's card at ``processor``."""

    processor: str
    idempotency_key: str
    payment_id: str
    merchant_id: str
    card_token: str
    amount: Money
    callback_url: str | None
    expires_in_seconds: int


class AuthenticationStarted(_Frozen):
    """Activity result: authenticated at once (frictionless), a challenge, or refused."""

    state: AuthenticationState
    authentication_id: str | None = None
    challenge: Challenge | None = None


class ConfirmAuthenticationInput(_Frozen):
    """Activity input: ask the processor (never the browser) how the challenge ended."""

    processor: str
    payment_id: str
    authentication_id: str


class AuthenticationAnswer(_Frozen):
    """Update input: the customer is back from the challenge ``challenge_id``."""

    challenge_id: ChallengeId
